import { renderView } from '../../shared/http/html.view';
import type { CodeView } from './commission.service';
import { labelSvg } from './label.render';

/** A printable A4 sheet of labels for a commissioning batch (views/qr-sheet.eta: CSS @page A4, a grid of labels). */
export function renderSheet(codes: readonly CodeView[], skipped: readonly { cylinderId: string; reason: string }[]): string {
  return renderView('qr-sheet', {
    title: '气瓶二维码标签 · Cylinder QR labels',
    summary: `${codes.length} 个标签 labels · ${skipped.length} 个未打印 skipped`,
    skipped,
    // The label's SVG is markup built (and escaped) by label.render, inserted as it is.
    labels: codes.map((c) => ({ grai: c.grai, svg: sheetLabelSvg(c) })),
  });
}

/** One label as the A4 sheet prints it: 38 mm wide. */
export function sheetLabelSvg(code: CodeView): string {
  return labelSvg({ uri: code.uri, graiText: code.graiText, serial: code.serial }, { widthMm: 38 });
}
