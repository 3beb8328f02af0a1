/**
 * Query filters compiled once into closures. Hand-written rather than mingo's Query because
 * mingo's matching primitives are not BSON-aware (Long(1) ≠ 1, Decimal128 and Long ordered by
 * their text, no ObjectId/Binary/Timestamp types for $type) and its `{'a.b': null}` misses
 * array elements lacking `b`. $expr is the one part evaluated by mingo.
 */
import { isDocument, isArray } from './bson-types';
import { badValue, located, notImplemented } from './errors';
import { evaluate } from './expression';
import {
  bitsTest,
  compileRegex,
  equalityTest,
  inTest,
  isRegexValue,
  modTest,
  rangeTest,
  regexTest,
  sizeTest,
  toJsRegExp,
  typeTest,
  type ValueTest,
} from './leaf-tests';
import { liftNumber } from './numeric';
import { MISSING, visitPath } from './path';

/** A compiled predicate. The subject is a document, or an array element for $elemMatch. */
export type DocTest = (doc: unknown) => boolean;
/** Evaluates $expr; pipelines pass one carrying their variables ($$ROOT, $lookup's let). */
export type ExprEvaluator = (doc: unknown, expr: unknown) => unknown;

const defaultEvaluator: ExprEvaluator = (doc, expr) => evaluate(doc, expr);

const hasOwn = Object.prototype.hasOwnProperty;
const ALWAYS: DocTest = () => true;
const NEVER: DocTest = () => false;

function allOf(tests: DocTest[]): DocTest {
  if (tests.length === 0) return ALWAYS;
  if (tests.length === 1) return tests[0] as DocTest;
  if (tests.length === 2) {
    const [a, b] = tests as [DocTest, DocTest];
    return (d) => a(d) && b(d);
  }
  return (d) => tests.every((t) => t(d));
}

const not =
  (t: DocTest): DocTest =>
  (d) =>
    !t(d);

/** Field names that plain property reads would find on Object.prototype. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Read a field for the hot path. `obj[key]` is several times faster than hasOwnProperty with a
 * varying key, and is exact unless the key names something inherited, which is checked once at
 * compile time. (A stored BSON `undefined` reads as missing, which is how it is queried anyway.)
 */
function fieldReader(key: string): (obj: Record<string, unknown>) => unknown {
  if (INHERITED.has(key)) return (obj) => (hasOwn.call(obj, key) ? obj[key] : MISSING);
  return (obj) => {
    const v = obj[key];
    return v === undefined ? MISSING : v;
  };
}

/** Walk `parts` from the subject and report whether any reached value passes `test`. */
function onPath(parts: readonly string[], test: ValueTest): DocTest {
  if (parts.length === 0) return (v) => test(v);
  const readers = parts.map(fieldReader);
  if (parts.length === 1) {
    const read = readers[0] as (obj: Record<string, unknown>) => unknown;
    // Subjects are documents, or arrays for $elemMatch on nested arrays; never scalars.
    return (doc) => (isArray(doc) ? visitPath(doc, parts, 0, test) : test(read(doc as Record<string, unknown>)));
  }
  // Walk plain sub-documents inline (the common case); hand arrays to the general traversal.
  const last = parts.length;
  return (doc) => {
    let current: unknown = doc;
    for (let i = 0; i < last; i++) {
      if (isArray(current) || !isDocument(current)) return visitPath(current, parts, i, test);
      current = (readers[i] as (obj: Record<string, unknown>) => unknown)(current);
    }
    return test(current);
  };
}

export function compileFilter(filter: Record<string, unknown>): (doc: Record<string, unknown>) => boolean {
  return compileDocument(filter);
}

/** An operator document applied to a bare value, e.g. `$pull: {a: {$gte: 5}}` on each element. */
export function compileValueTest(ops: Record<string, unknown>): DocTest {
  return compileOperators([], ops, defaultEvaluator);
}

export function compileDocument(filter: unknown, ev: ExprEvaluator = defaultEvaluator): DocTest {
  if (!isDocument(filter)) throw badValue('the match filter must be an expression in an object');
  const tests: DocTest[] = [];
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    tests.push(key.startsWith('$') ? compileTopLevel(key, value, ev) : compileField(key, value, ev));
  }
  return allOf(tests);
}

function compileClauses(op: string, value: unknown, ev: ExprEvaluator): DocTest[] {
  if (!isArray(value) || value.length === 0) throw badValue(`${op} argument must be a non-empty array`);
  return value.map((clause) => {
    if (!isDocument(clause)) throw badValue(`${op} argument's entries must be objects`);
    return compileDocument(clause, ev);
  });
}

/** $expr results are coerced like aggregation booleans: false, null, missing and zero are false. */
function exprTruthy(v: unknown): boolean {
  if (v === false || v === null || v === undefined) return false;
  const n = liftNumber(v);
  if (n === undefined) return true;
  return typeof n === 'object' ? !(n.kind === 'fin' && n.coef === 0n) : Number(n) !== 0;
}

function compileTopLevel(op: string, value: unknown, ev: ExprEvaluator): DocTest {
  switch (op) {
    case '$and':
      return allOf(compileClauses(op, value, ev));
    case '$or': {
      const clauses = compileClauses(op, value, ev);
      return (d) => clauses.some((t) => t(d));
    }
    case '$nor': {
      const clauses = compileClauses(op, value, ev);
      return (d) => !clauses.some((t) => t(d));
    }
    case '$expr':
      return (d) => exprTruthy(ev(d, value));
    case '$comment':
      return ALWAYS;
    case '$alwaysTrue':
      return ALWAYS;
    case '$alwaysFalse':
      return NEVER;
    case '$where':
      throw badValue('$where is not supported: server-side JavaScript is disabled');
    case '$jsonSchema':
      throw notImplemented('$jsonSchema is not supported by the embedded server');
    case '$text':
      throw notImplemented('$text is not supported by the embedded server (no text indexes)');
    default:
      throw badValue(`unknown top level operator: ${op}`);
  }
}

function compileField(path: string, value: unknown, ev: ExprEvaluator): DocTest {
  const parts = path.split('.');
  if (isRegexValue(value)) return onPath(parts, regexTest(toJsRegExp(value)));
  if (isDocument(value) && (Object.keys(value)[0] ?? '').startsWith('$')) return compileOperators(parts, value, ev);
  return onPath(parts, equalityTest(value));
}

const GEO = new Set(['$near', '$nearSphere', '$geoWithin', '$geoIntersects', '$within', '$box', '$center', '$centerSphere', '$polygon', '$geometry', '$maxDistance', '$minDistance']);
const BITS = new Set(['$bitsAllSet', '$bitsAnySet', '$bitsAllClear', '$bitsAnyClear']);

/** An operator document such as `{$gte: 1, $lt: 5}` applied at `parts`. */
function compileOperators(parts: readonly string[], ops: Record<string, unknown>, ev: ExprEvaluator): DocTest {
  const tests: DocTest[] = [];
  for (const op of Object.keys(ops)) {
    const arg = ops[op];
    if (op === '$options') {
      if (!hasOwn.call(ops, '$regex')) throw badValue('$options needs a $regex');
      continue;
    }
    tests.push(compileOperator(parts, op, arg, ops, ev));
  }
  return allOf(tests);
}

function compileOperator(parts: readonly string[], op: string, arg: unknown, ops: Record<string, unknown>, ev: ExprEvaluator): DocTest {
  switch (op) {
    case '$eq':
      return onPath(parts, equalityTest(arg));
    case '$ne':
      return not(onPath(parts, equalityTest(arg)));
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return onPath(parts, rangeTest(op, arg));
    case '$in':
      return onPath(parts, inTest(arg));
    case '$nin':
      return not(onPath(parts, inTest(arg, '$nin')));
    case '$exists': {
      const present = onPath(parts, (v) => v !== MISSING);
      return arg === false || arg === 0 || arg === null ? not(present) : present;
    }
    case '$type':
      return onPath(parts, typeTest(arg));
    case '$size':
      return onPath(parts, sizeTest(arg));
    case '$mod':
      return onPath(parts, modTest(arg));
    case '$regex':
      return onPath(parts, regexTest(regexOperand(arg, ops.$options)));
    case '$all':
      return compileAll(parts, arg, ev);
    case '$elemMatch':
      return onPath(parts, elemMatchTest(arg, ev));
    case '$not':
      return compileNot(parts, arg, ev);
    case '$comment':
      return ALWAYS;
    default:
      if (BITS.has(op)) return onPath(parts, bitsTest(op, arg));
      if (GEO.has(op)) throw notImplemented(`${op} is not supported by the embedded server (no geospatial indexes)`);
      throw badValue(`unknown operator: ${op}`);
  }
}

function regexOperand(pattern: unknown, options: unknown): RegExp {
  if (options !== undefined && typeof options !== 'string') throw badValue('$options has to be a string');
  if (typeof pattern === 'string') return compileRegex(pattern, options ?? '');
  if (isRegexValue(pattern)) {
    if (options !== undefined && pattern instanceof RegExp && pattern.flags.replace(/[gyd]/g, '') !== '') {
      throw located(51075, 'options set in both $regex and $options');
    }
    const re = toJsRegExp(pattern);
    return options ? compileRegex(re.source, options) : re;
  }
  throw badValue('$regex has to be a string');
}

function compileAll(parts: readonly string[], arg: unknown, ev: ExprEvaluator): DocTest {
  if (!isArray(arg)) throw badValue('$all needs an array');
  if (arg.length === 0) return NEVER;
  return allOf(
    arg.map((item: unknown) => {
      if (isDocument(item) && hasOwn.call(item, '$elemMatch')) return onPath(parts, elemMatchTest(item.$elemMatch, ev));
      if (isDocument(item) && (Object.keys(item)[0] ?? '').startsWith('$')) throw badValue('no $ expressions in $all');
      if (isRegexValue(item)) return onPath(parts, regexTest(toJsRegExp(item)));
      return onPath(parts, equalityTest(item));
    }),
  );
}

const QUERY_LEVEL = new Set(['$and', '$or', '$nor', '$expr', '$where', '$text', '$comment', '$jsonSchema', '$alwaysTrue', '$alwaysFalse']);

/**
 * `{$elemMatch: {$gt: 1}}` tests each element as a value; `{$elemMatch: {b: 1}}` tests each
 * (document) element as a sub-document. The array itself must be there; no leaf expansion.
 */
function elemMatchTest(spec: unknown, ev: ExprEvaluator): ValueTest {
  if (!isDocument(spec)) throw badValue('$elemMatch needs an Object');
  const first = Object.keys(spec)[0] ?? '';
  const valueForm = first.startsWith('$') && !QUERY_LEVEL.has(first);
  const elementTest = valueForm ? compileOperators([], spec, ev) : compileDocument(spec, ev);
  const accepts = valueForm ? elementTest : (e: unknown) => (isDocument(e) || isArray(e)) && elementTest(e);
  return (v) => isArray(v) && v.some(accepts);
}

function compileNot(parts: readonly string[], arg: unknown, ev: ExprEvaluator): DocTest {
  if (isRegexValue(arg)) return not(onPath(parts, regexTest(toJsRegExp(arg))));
  if (!isDocument(arg)) throw badValue('$not needs a regex or a document');
  if (Object.keys(arg).length === 0) throw badValue('$not cannot be empty');
  if (!(Object.keys(arg)[0] ?? '').startsWith('$')) throw badValue('$not needs a regex or a document');
  return not(compileOperators(parts, arg, ev));
}
