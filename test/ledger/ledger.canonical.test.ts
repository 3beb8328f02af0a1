import { Types } from 'mongoose';
import { canonicalJson } from '../../src/components/ledger';

describe('canonical JSON (pure)', () => {
  it('gives everyone who hashes the same canonical form: sorted keys, ISO dates, no undefined', () => {
    expect(canonicalJson({ b: 1, a: [new Date('2025-01-01T00:00:00+08:00'), undefined], c: undefined, d: { z: null, y: 'é' } })).toBe(
      '{"a":["2024-12-31T16:00:00.000Z",null],"b":1,"d":{"y":"é","z":null}}',
    );
  });

  it('writes an ObjectId as its hex string and refuses what JSON cannot carry exactly', () => {
    const id = new Types.ObjectId('64b000000000000000000a01');
    expect(canonicalJson({ id })).toBe('{"id":"64b000000000000000000a01"}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow('finite');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('cannot encode a function');
  });
});
