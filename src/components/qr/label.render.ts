import QRCode from 'qrcode';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './bitmap.font';
import { encodeGreyPng } from './png.encode';
import { escapeHtml } from '../../shared/http/html.view';

/**
 * Level Q restores a quarter of the symbol: a label on a cylinder gets scratched, dented and
 * oily, and Q still fits a short URI in a version small enough for ~1 mm modules on a 40 mm label.
 */
export const ERROR_CORRECTION = 'Q' as const;
/** The quiet zone ISO/IEC 18004 requires around a QR symbol, in modules. */
export const QUIET_ZONE = 4;

export interface LabelContent {
  uri: string;
  /** GS1 human-readable form, "(8003) 0614141…". */
  graiText: string;
  /** The steel-stamp serial (钢印号). */
  serial: string;
}

interface Matrix {
  size: number;
  dark(row: number, col: number): boolean;
}

function matrixOf(uri: string): Matrix {
  const { modules } = QRCode.create(uri, { errorCorrectionLevel: ERROR_CORRECTION });
  return { size: modules.size, dark: (row, col) => modules.get(row, col) === 1 };
}

/** One path of horizontal runs: small, and crisp at any print size. */
function modulePath(m: Matrix): string {
  const parts: string[] = [];
  for (let row = 0; row < m.size; row += 1) {
    let col = 0;
    while (col < m.size) {
      if (!m.dark(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < m.size && m.dark(row, col)) col += 1;
      parts.push(`M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h-${col - start}z`);
    }
  }
  return parts.join('');
}

/** An SVG label: the code with its quiet zone, the GRAI and the steel-stamp serial under it. */
export function labelSvg(content: LabelContent, options: { widthMm?: number } = {}): string {
  const m = matrixOf(content.uri);
  const side = m.size + 2 * QUIET_ZONE;
  const font = side / 17;
  const height = side + font * 3;
  const widthMm = options.widthMm ?? 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${height.toFixed(2)}" width="${widthMm}mm" height="${((widthMm * height) / side).toFixed(2)}mm" role="img" aria-label="${escapeHtml(content.graiText)}">`,
    `<rect width="${side}" height="${height.toFixed(2)}" fill="#fff"/>`,
    `<path d="${modulePath(m)}" fill="#000" shape-rendering="crispEdges"/>`,
    `<g font-family="ui-monospace,Menlo,Consolas,'Noto Sans Mono CJK SC',monospace" font-size="${font.toFixed(2)}" text-anchor="middle" fill="#000">`,
    `<text x="${side / 2}" y="${(side + font * 0.9).toFixed(2)}">${escapeHtml(content.graiText)}</text>`,
    `<text x="${side / 2}" y="${(side + font * 2.2).toFixed(2)}">钢印号 ${escapeHtml(content.serial)}</text>`,
    '</g></svg>',
  ].join('');
}

const PX_PER_MODULE = 8;
const TEXT_SCALE = 2;
const CHAR_ADVANCE = (GLYPH_WIDTH + 1) * TEXT_SCALE;
const LINE_HEIGHT = (GLYPH_HEIGHT + 4) * TEXT_SCALE;

/** The same label as a PNG (8 px per module); the text uses a built-in bitmap font. */
export function labelPng(content: LabelContent): Buffer {
  const m = matrixOf(content.uri);
  const lines = [content.graiText, `S/N ${content.serial}`];
  const qrSide = (m.size + 2 * QUIET_ZONE) * PX_PER_MODULE;
  const textWidth = Math.max(...lines.map((l) => l.length * CHAR_ADVANCE)) + 2 * PX_PER_MODULE;
  const width = Math.max(qrSide, textWidth);
  const height = qrSide + lines.length * LINE_HEIGHT + PX_PER_MODULE;
  const pixels = new Uint8Array(width * height).fill(255);
  const fill = (x0: number, y0: number, w: number, h: number) => {
    for (let y = y0; y < y0 + h; y += 1) pixels.fill(0, y * width + x0, y * width + x0 + w);
  };
  const qrLeft = Math.floor((width - qrSide) / 2);
  for (let row = 0; row < m.size; row += 1) {
    for (let col = 0; col < m.size; col += 1) {
      if (m.dark(row, col)) fill(qrLeft + (col + QUIET_ZONE) * PX_PER_MODULE, (row + QUIET_ZONE) * PX_PER_MODULE, PX_PER_MODULE, PX_PER_MODULE);
    }
  }
  lines.forEach((line, index) => {
    const left = Math.floor((width - line.length * CHAR_ADVANCE) / 2);
    const top = qrSide + index * LINE_HEIGHT;
    [...line].forEach((char, i) => {
      glyph(char).forEach((bits, gy) => {
        for (let gx = 0; gx < GLYPH_WIDTH; gx += 1) {
          if (bits[gx] === '1') fill(left + i * CHAR_ADVANCE + gx * TEXT_SCALE, top + gy * TEXT_SCALE, TEXT_SCALE, TEXT_SCALE);
        }
      });
    });
  });
  return encodeGreyPng(width, height, pixels);
}
