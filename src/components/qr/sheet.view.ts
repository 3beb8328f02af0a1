import type { CodeView } from './commission.service';
import { labelSvg } from './label.render';
import { escapeHtml, renderTemplate } from './qr.template';

/** A printable A4 sheet of labels for a commissioning batch (CSS @page A4, a grid of labels). */
export function renderSheet(codes: readonly CodeView[], skipped: readonly { cylinderId: string; reason: string }[]): string {
  const labels = codes
    .map((c) => `<figure class="label" data-grai="${escapeHtml(c.grai)}">${labelSvg({ uri: c.uri, graiText: c.graiText, serial: c.serial }, { widthMm: 38 })}</figure>`)
    .join('');
  const list = skipped.map((s) => `<li><code>${escapeHtml(s.cylinderId)}</code> ${escapeHtml(s.reason)}</li>`).join('');
  return renderTemplate(
    'qr-sheet',
    { title: '气瓶二维码标签 · Cylinder QR labels', summary: `${codes.length} 个标签 labels · ${skipped.length} 个未打印 skipped` },
    { labels, skipped: list ? `<ul class="skipped">${list}</ul>` : '' },
  );
}
