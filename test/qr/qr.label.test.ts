import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { buildGrai, buildQrUri, createKeyring, humanReadable, parseGrai, parseQrUri } from '../../src/components/qr';
import { labelPng, labelSvg, QUIET_ZONE } from '../../src/components/qr/label.render';

const DOMAIN = 'qr.qingyuan.example.cn';
const keyring = createKeyring({ secret: 'label-test-secret-0123456789abcdefghijkl', currentKeyId: 'k1' });

function decodePng(buffer: Buffer): string | undefined {
  const png = PNG.sync.read(buffer);
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe('labels', () => {
  const grai = buildGrai('0614141', '15', '20250001');
  const uri = buildQrUri(DOMAIN, grai.value, keyring.sign(grai.value));
  const content = { uri, graiText: humanReadable(grai), serial: 'QY2024-000123' };

  it('a rendered PNG decoded by jsQR yields a URI that parses, with a right check digit and a valid signature', () => {
    const decoded = decodePng(labelPng(content));
    expect(decoded).toBe(uri);
    const parsed = parseQrUri(decoded ?? '', DOMAIN);
    if (!parsed.ok) throw new Error(`did not parse: ${parsed.reason}`);
    expect(parseGrai(parsed.grai, 7)).toMatchObject({ ok: true, grai: { checkDigit: grai.checkDigit } });
    expect(keyring.verify(parsed.grai, parsed.signature ?? '')).toEqual({ valid: true, keyId: 'k1' });
  });

  it('keeps a white quiet zone of at least 4 modules around the code in the PNG', () => {
    const png = PNG.sync.read(labelPng(content));
    const band = QUIET_ZONE * 8; // 8 px per module
    const dark: string[] = [];
    for (let y = 0; y < png.height; y += 1) {
      for (let x = 0; x < png.width; x += 1) {
        const inBand = y < band || x < band || x >= png.width - band;
        if (inBand && y < png.width && png.data[(y * png.width + x) * 4] !== 255) dark.push(`${x},${y}`);
      }
    }
    expect(dark).toEqual([]);
  });

  it('an SVG label carries the code, the GRAI in human-readable form and the steel-stamp serial', () => {
    const svg = labelSvg(content);
    expect(svg).toContain('(8003) 0061414100015920250001');
    expect(svg).toContain('钢印号 QY2024-000123');
    // The first dark module starts after the quiet zone.
    expect(svg).toMatch(new RegExp(`<path d="M${QUIET_ZONE} ${QUIET_ZONE}h`));
  });
});
