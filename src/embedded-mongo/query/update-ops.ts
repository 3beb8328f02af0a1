/**
 * The update operators, each compiled from its argument into an action on one resolved slot.
 * Hand-written rather than mingo's updater because that one edits documents in place, silently
 * skips what mongod rejects ($inc on a string, $push onto a scalar) and does `+` on Long values.
 */
import { Long, Timestamp } from 'bson';
import { bsonTypeName, isDocument, isNumeric } from './bson-types';
import { compareValues, hashKey, valuesEqual } from './compare';
import { describe } from './describe';
import { badValue, typeMismatch } from './errors';
import { compileDocument, compileValueTest } from './filter';
import { isRegexValue, regexTest, toJsRegExp } from './leaf-tests';
import { arithmetic, liftNumber } from './numeric';
import { MISSING } from './path';
import { compileSort } from './sort';
import type { Draft, Slot } from './update-draft';

export interface UpdateContext {
  readonly isInsert: boolean;
  readonly now: Date;
  /** `{ _id: … }` of the document, for error messages. */
  readonly idText: string;
}

export interface LeafOp {
  /** Whether the operator creates missing parents (and so fails on a path blocked by a scalar). */
  readonly creates: boolean;
  apply(draft: Draft, slot: Slot): void;
}

type OpCompiler = (arg: unknown, path: string, ctx: UpdateContext) => LeafOp | undefined;

const $set: OpCompiler = (arg) => ({ creates: true, apply: (draft, slot) => draft.set(slot, arg) });

function numericOp(name: '$inc' | '$mul', op: 'add' | 'mul'): OpCompiler {
  return (arg, path, ctx) => {
    if (!isNumeric(arg)) {
      throw typeMismatch(`Cannot ${name === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${describe(arg)}}`);
    }
    return {
      creates: true,
      apply(draft, slot) {
        if (slot.value === MISSING) {
          draft.set(slot, name === '$inc' ? arg : arithmetic('mul', arg, 0));
          return;
        }
        if (!isNumeric(slot.value)) {
          throw typeMismatch(
            `Cannot apply ${name} to a value of non-numeric type. ${ctx.idText} has the field '${slot.path}' of non-numeric type ${bsonTypeName(slot.value)}`,
          );
        }
        draft.set(slot, arithmetic(op, slot.value, arg));
      },
    };
  };
}

const extreme =
  (direction: 1 | -1): OpCompiler =>
  (arg) => ({
    creates: true,
    apply(draft, slot) {
      if (slot.value === MISSING || compareValues(arg, slot.value) * direction > 0) draft.set(slot, arg);
    },
  });

const $unset: OpCompiler = () => ({ creates: false, apply: (draft, slot) => draft.unset(slot) });

const $setOnInsert: OpCompiler = (arg, path, ctx) => (ctx.isInsert ? $set(arg, path, ctx) : undefined);

const $currentDate: OpCompiler = (arg, _path, ctx) => {
  const type = isDocument(arg) ? arg.$type : 'date';
  if (typeof arg !== 'boolean' && (!isDocument(arg) || Object.keys(arg).length !== 1 || (type !== 'date' && type !== 'timestamp'))) {
    throw badValue(`The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}`);
  }
  const value = type === 'timestamp' ? new Timestamp({ t: Math.floor(ctx.now.getTime() / 1000), i: 1 }) : ctx.now;
  return { creates: true, apply: (draft, slot) => draft.set(slot, value) };
};

function requireArray(slot: Slot, message: () => string): unknown[] | undefined {
  if (slot.value === MISSING) return undefined;
  if (!Array.isArray(slot.value)) throw badValue(message());
  return slot.value;
}

const integerOf = (v: unknown): number | undefined => {
  const n = liftNumber(v);
  return n !== undefined && typeof n !== 'object' && Number.isInteger(Number(n)) ? Number(n) : undefined;
};

function pushSorter(spec: unknown): ((a: unknown, b: unknown) => number) | undefined {
  if (spec === undefined) return undefined;
  const whole = integerOf(spec);
  if (whole === 1 || whole === -1) return (a, b) => compareValues(a, b) * whole;
  if (isDocument(spec) && Object.keys(spec).length > 0) {
    const cmp = compileSort(spec);
    const asDoc = (v: unknown): Record<string, unknown> => (isDocument(v) ? v : {});
    return (a, b) => cmp(asDoc(a), asDoc(b));
  }
  throw badValue('The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields');
}

const PUSH_CLAUSES = new Set(['$each', '$slice', '$sort', '$position']);

const $push: OpCompiler = (arg, _path, ctx) => {
  let each: unknown[] = [arg];
  let slice: number | undefined;
  let position: number | undefined;
  let sorter: ((a: unknown, b: unknown) => number) | undefined;
  if (isDocument(arg) && Object.prototype.hasOwnProperty.call(arg, '$each')) {
    for (const k of Object.keys(arg)) if (!PUSH_CLAUSES.has(k)) throw badValue(`Unrecognized clause in $push: ${k}`);
    if (!Array.isArray(arg.$each)) throw badValue(`The argument to $each in $push must be an array but it was of type: ${bsonTypeName(arg.$each)}`);
    each = arg.$each;
    if (arg.$slice !== undefined) {
      slice = integerOf(arg.$slice);
      if (slice === undefined) throw badValue(`The value for $slice must be an integer value but was given type: ${bsonTypeName(arg.$slice)}`);
    }
    if (arg.$position !== undefined) {
      position = integerOf(arg.$position);
      if (position === undefined) throw badValue(`The value for $position must be an integer value, not of type: ${bsonTypeName(arg.$position)}`);
    }
    sorter = pushSorter(arg.$sort);
  }
  return {
    creates: true,
    apply(draft, slot) {
      const current =
        requireArray(slot, () => `The field '${slot.path}' must be an array but is of type ${bsonTypeName(slot.value)} in document ${ctx.idText}`) ?? [];
      let next = current.slice();
      const at = position === undefined ? next.length : position < 0 ? Math.max(0, next.length + position) : Math.min(position, next.length);
      next.splice(at, 0, ...each);
      if (sorter) next.sort(sorter);
      if (slice !== undefined) next = slice >= 0 ? next.slice(0, slice) : next.slice(Math.max(0, next.length + slice));
      if (slot.value === MISSING || next.length !== current.length || next.some((v, i) => v !== current[i])) draft.set(slot, next);
    },
  };
};

const $addToSet: OpCompiler = (arg) => {
  let each: unknown[] = [arg];
  if (isDocument(arg) && Object.prototype.hasOwnProperty.call(arg, '$each')) {
    if (!Array.isArray(arg.$each)) throw badValue(`The argument to $each in $addToSet must be an array but it was of type ${bsonTypeName(arg.$each)}`);
    each = arg.$each;
  }
  return {
    creates: true,
    apply(draft, slot) {
      const current =
        requireArray(slot, () => `Cannot apply $addToSet to non-array field. Field named '${slot.path}' has non-array type ${bsonTypeName(slot.value)}`) ?? [];
      const seen = new Set(current.map(hashKey));
      const next = current.slice();
      for (const v of each) {
        const key = hashKey(v);
        if (!seen.has(key)) {
          seen.add(key);
          next.push(v);
        }
      }
      if (slot.value === MISSING || next.length !== current.length) draft.set(slot, next);
    },
  };
};

const $pop: OpCompiler = (arg) => {
  const n = integerOf(arg);
  if (n !== 1 && n !== -1) throw badValue(`$pop expects 1 or -1, found: ${describe(arg)}`);
  return {
    creates: false,
    apply(draft, slot) {
      const arr = requireArray(slot, () => `Path '${slot.path}' contains an element of non-array type '${bsonTypeName(slot.value)}'`);
      if (arr && arr.length > 0) draft.set(slot, n === 1 ? arr.slice(0, -1) : arr.slice(1));
    },
  };
};

const QUERY_LEVEL = new Set(['$and', '$or', '$nor', '$expr', '$comment']);

/** $pull removes elements matching a value, a regex, an operator document, or a sub-query. */
function pullMatcher(arg: unknown): (e: unknown) => boolean {
  if (isRegexValue(arg)) return regexTest(toJsRegExp(arg));
  if (isDocument(arg)) {
    const first = Object.keys(arg)[0] ?? '';
    if (first.startsWith('$') && !QUERY_LEVEL.has(first)) return compileValueTest(arg);
    const test = compileDocument(arg);
    return (e) => isDocument(e) && test(e);
  }
  return (e) => valuesEqual(e, arg);
}

function removing(name: string, matches: (e: unknown) => boolean): LeafOp {
  return {
    creates: false,
    apply(draft, slot) {
      const arr = requireArray(slot, () => `Cannot apply ${name} to a non-array value`);
      if (!arr) return;
      const next = arr.filter((e) => !matches(e));
      if (next.length !== arr.length) draft.set(slot, next);
    },
  };
}

const $pull: OpCompiler = (arg) => removing('$pull', pullMatcher(arg));

const $pullAll: OpCompiler = (arg) => {
  if (!Array.isArray(arg)) throw badValue(`$pullAll requires an array argument but was given a ${bsonTypeName(arg)}`);
  const keys = new Set(arg.map(hashKey));
  return removing('$pullAll', (e) => keys.has(hashKey(e)));
};

const $bit: OpCompiler = (arg, _path, ctx) => {
  if (!isDocument(arg) || Object.keys(arg).length === 0) throw badValue(`The $bit modifier is not compatible with a ${bsonTypeName(arg)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`);
  const steps = Object.keys(arg).map((k) => {
    if (k !== 'and' && k !== 'or' && k !== 'xor') throw badValue(`The $bit modifier only supports 'and', 'or', and 'xor', not '${k}' which is an unknown operator: {${k}: ${describe(arg[k])}}`);
    const n = liftNumber(arg[k]);
    if (n === undefined || typeof n === 'object' || !Number.isInteger(Number(n))) throw badValue(`The $bit modifier field must be an Integer(32/64 bit); a '${bsonTypeName(arg[k])}' is not supported here: {${k}: ${describe(arg[k])}}`);
    return { k, n: BigInt(n), long: typeof n === 'bigint' };
  });
  return {
    creates: true,
    apply(draft, slot) {
      const current = slot.value === MISSING ? 0 : liftNumber(slot.value);
      if (current === undefined || typeof current === 'object' || !Number.isInteger(Number(current))) {
        throw badValue(`Cannot apply $bit to a value of non-integral type.${ctx.idText} has the field ${slot.path} of non-integer type ${bsonTypeName(slot.value)}`);
      }
      let acc = BigInt(current);
      for (const s of steps) acc = BigInt.asIntN(64, s.k === 'and' ? acc & s.n : s.k === 'or' ? acc | s.n : acc ^ s.n);
      const wantLong = typeof current === 'bigint' || steps.some((s) => s.long);
      draft.set(slot, wantLong ? Long.fromBigInt(acc) : Number(acc));
    },
  };
};

export const UPDATE_OPERATORS: Record<string, OpCompiler> = {
  $set,
  $unset,
  $inc: numericOp('$inc', 'add'),
  $mul: numericOp('$mul', 'mul'),
  $min: extreme(-1),
  $max: extreme(1),
  $setOnInsert,
  $currentDate,
  $push,
  $addToSet,
  $pop,
  $pull,
  $pullAll,
  $bit,
};
