import { buildGrai, gs1CheckDigit, humanReadable, parseGrai } from '../../src/components/qr';

describe('GS1 mod-10 check digit', () => {
  // Published identifiers whose check digits GS1 tools and the GS1 Digital Link standard show.
  it.each([
    ['0387058500055', 2], // GRAI of the GS1 Digital Link standard's example, 8003/03870585000552987
    ['0950600013435', 2], // GTIN 09506000134352, GS1's own example GTIN
    ['629104150021', 3], // GTIN-13 6291041500213 (GS1 check digit calculator example)
    ['400638133393', 1], // GTIN-13 4006381333931
    ['978030640615', 7], // ISBN-13 9780306406157
  ])('computes %s → %i (weights 3,1 from the right)', (digits, expected) => {
    expect(gs1CheckDigit(digits)).toBe(expected);
  });
});

describe('GRAI (AI 8003)', () => {
  it('builds 0 + prefix + zero-padded asset type + check digit + serial', () => {
    const grai = buildGrai('3870585', '55', '987');
    expect(grai.value).toBe('03870585000552987');
    expect(grai.assetType).toBe('00055');
    expect(grai.checkDigit).toBe(2);
    expect(humanReadable(grai)).toBe('(8003) 03870585000552987');
  });

  it('pads the asset type to what a 10-digit prefix leaves (2 digits)', () => {
    expect(buildGrai('6901234567', '5', '1').value.slice(0, 14)).toMatch(/^0690123456705\d$/);
  });

  it('refuses an asset type wider than the prefix leaves, and a bad prefix', () => {
    expect(() => buildGrai('6901234567', '150', '1')).toThrow(/asset type/);
    expect(() => buildGrai('123456', '5', '1')).toThrow(/company prefix/);
  });

  it('parses what it built, splitting prefix and asset type by the configured prefix length', () => {
    const parsed = parseGrai(buildGrai('0614141', '15', '123456').value, 7);
    expect(parsed).toEqual({ ok: true, grai: expect.objectContaining({ companyPrefix: '0614141', assetType: '00015', serial: '123456' }) });
  });

  it('detects a changed digit and a swapped pair through the check digit', () => {
    const value = buildGrai('0614141', '15', '42').value;
    const changed = `${value.slice(0, 5)}${(Number(value[5]) + 1) % 10}${value.slice(6)}`;
    const swapped = `${value.slice(0, 8)}${value[9]}${value[8]}${value.slice(10)}`;
    expect(parseGrai(changed, 7)).toEqual({ ok: false, problem: 'BAD_CHECK_DIGIT' });
    if (value[8] !== value[9]) expect(parseGrai(swapped, 7)).toEqual({ ok: false, problem: 'BAD_CHECK_DIGIT' });
  });

  it('rejects text that is no GRAI', () => {
    for (const text of ['', '123', '1614141000153', '0061414100015912345678901234567', '0614141000153-1']) {
      expect(parseGrai(text, 7)).toEqual({ ok: false, problem: 'MALFORMED' });
    }
  });
});
