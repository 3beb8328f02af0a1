import { ObjectId } from 'bson';
import { compileProjection } from '../../../src/embedded-mongo/query';
import { expectQueryError } from './helpers';

const id = new ObjectId('64b000000000000000000001');
const cylinder = {
  _id: id,
  serial: 'C-1',
  status: 'full',
  owner: { name: 'Gas Co', city: 'Oslo' },
  fills: [
    { at: 1, kg: 12 },
    { at: 2, kg: 11 },
    { at: 3, kg: 13 },
  ],
};

describe('compileProjection: inclusion', () => {
  it('keeps the named fields and _id, in document order', () => {
    expect(compileProjection({ status: 1, serial: 1 })(cylinder)).toEqual({ _id: id, serial: 'C-1', status: 'full' });
    expect(Object.keys(compileProjection({ status: 1, serial: 1 })(cylinder))).toEqual(['_id', 'serial', 'status']);
  });

  it('drops _id when asked', () => {
    expect(compileProjection({ serial: 1, _id: 0 })(cylinder)).toEqual({ serial: 'C-1' });
  });

  it('projects dotted paths into sub-documents and arrays of documents', () => {
    expect(compileProjection({ 'owner.city': 1, 'fills.kg': 1 })(cylinder)).toEqual({
      _id: id,
      owner: { city: 'Oslo' },
      fills: [{ kg: 12 }, { kg: 11 }, { kg: 13 }],
    });
    expect(compileProjection({ owner: { name: 1 } })(cylinder)).toEqual({ _id: id, owner: { name: 'Gas Co' } });
  });

  it('drops scalars met inside arrays and leaves empty documents for missing sub-fields', () => {
    expect(compileProjection({ 'a.b': 1, _id: 0 })({ a: [{ b: 1, c: 2 }, 5, { c: 3 }] })).toEqual({ a: [{ b: 1 }, {}] });
  });

  it('omits fields the document does not have', () => {
    expect(compileProjection({ nope: 1 })(cylinder)).toEqual({ _id: id });
  });

  it('computes expression fields after the included ones', () => {
    const shaped = compileProjection({ serial: 1, label: { $concat: ['$serial', '/', '$status'] }, one: { $literal: 1 } })(cylinder);
    expect(shaped).toEqual({ _id: id, serial: 'C-1', label: 'C-1/full', one: 1 });
  });
});

describe('compileProjection: exclusion', () => {
  it('removes the named fields, including dotted ones inside arrays', () => {
    expect(compileProjection({ owner: 0, 'fills.at': 0 })(cylinder)).toEqual({
      _id: id,
      serial: 'C-1',
      status: 'full',
      fills: [{ kg: 12 }, { kg: 11 }, { kg: 13 }],
    });
  });

  it('removes only _id with {_id: 0}', () => {
    const { _id: _ignored, ...rest } = cylinder;
    expect(compileProjection({ _id: 0 })(cylinder)).toEqual(rest);
  });
});

describe('compileProjection: $slice and $elemMatch', () => {
  it('slices arrays from the front, the back, or by skip and limit', () => {
    expect(compileProjection({ fills: { $slice: 1 } })(cylinder).fills).toEqual([{ at: 1, kg: 12 }]);
    expect(compileProjection({ fills: { $slice: -1 } })(cylinder).fills).toEqual([{ at: 3, kg: 13 }]);
    expect(compileProjection({ fills: { $slice: [1, 1] } })(cylinder).fills).toEqual([{ at: 2, kg: 11 }]);
  });

  it('keeps every other field when $slice is the only projection', () => {
    expect(compileProjection({ fills: { $slice: 1 } })(cylinder).owner).toEqual(cylinder.owner);
  });

  it('returns the first element matching $elemMatch, or omits the field', () => {
    expect(compileProjection({ fills: { $elemMatch: { kg: { $gt: 11 } } } })(cylinder)).toEqual({ _id: id, fills: [{ at: 1, kg: 12 }] });
    expect(compileProjection({ fills: { $elemMatch: { kg: 99 } } })(cylinder)).toEqual({ _id: id });
  });
});

describe('compileProjection: validation', () => {
  it('returns documents untouched for an empty or missing projection', () => {
    expect(compileProjection(undefined)(cylinder)).toBe(cylinder);
    expect(compileProjection({})(cylinder)).toBe(cylinder);
  });

  it('rejects mixing inclusion and exclusion with mongod codes', () => {
    expectQueryError(() => compileProjection({ serial: 1, status: 0 }), 31254, 'Cannot do exclusion on field status in inclusion projection');
    expectQueryError(() => compileProjection({ status: 0, serial: 1 }), 31253, 'Cannot do inclusion on field serial in exclusion projection');
  });

  it('rejects the positional projection explicitly', () => {
    expectQueryError(() => compileProjection({ 'fills.$': 1 }), 238, /positional projection/);
  });

  it('rejects overlapping paths', () => {
    expectQueryError(() => compileProjection({ owner: 1, 'owner.city': 1 }), 31249, /Path collision/);
  });

  it('rejects $elemMatch on a nested field', () => {
    expectQueryError(() => compileProjection({ 'a.b': { $elemMatch: { c: 1 } } }), 2, /nested field/);
  });
});
