/**
 * Aggregation-expression evaluation through mingo, with the operators whose BSON handling mingo
 * gets wrong replaced: mingo compares class instances (Long, Decimal128, ObjectId, ...) by their
 * toString() and orders unknown classes by constructor name, so every comparison goes through
 * compareValues instead.
 */
import { Context, ProcessingMode, evalExpr } from 'mingo/core';
import * as mingoAccumulators from 'mingo/operators/accumulator';
import * as mingoExpressions from 'mingo/operators/expression';
import * as mingoProjection from 'mingo/operators/projection';
import * as mingoQuery from 'mingo/operators/query';
import * as mingoWindow from 'mingo/operators/window';
import type { AnyObject, Options } from 'mingo/types/types';
import { bsonTypeName } from './bson-types';
import { compareValues, valuesEqual } from './compare';
import { QueryError, invalidPipelineOperator, located, notImplemented } from './errors';

type ExprOp = (obj: unknown, expr: unknown, options: Options) => unknown;
type AccOp = (coll: AnyObject[], expr: unknown, options: Options) => unknown;

/** In expressions a missing field is lower than null (`{$eq: ['$nope', null]}` is false). */
function compareForExpr(a: unknown, b: unknown): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  return compareValues(a, b);
}

function twoArgs(name: string, obj: unknown, expr: unknown, options: Options): [unknown, unknown] {
  if (!Array.isArray(expr) || expr.length !== 2) {
    throw located(16020, `Expression ${name} takes exactly 2 arguments. ${Array.isArray(expr) ? expr.length : 1} were passed in.`);
  }
  const [a, b] = evalExpr(obj, expr, options) as unknown[];
  return [a, b];
}

const comparison =
  (name: string, test: (c: number) => boolean): ExprOp =>
  (obj, expr, options) => {
    const [a, b] = twoArgs(name, obj, expr, options);
    return test(compareForExpr(a, b));
  };

const $in: ExprOp = (obj, expr, options) => {
  const [item, list] = twoArgs('$in', obj, expr, options);
  if (!Array.isArray(list)) {
    throw located(40081, `$in requires an array as a second argument, found: ${list === undefined ? 'missing' : bsonTypeName(list)}`);
  }
  return list.some((v) => (item === undefined ? v === undefined : valuesEqual(v, item)));
};

/** Used both as a $group accumulator and, with expr === null, as the expression form. */
const extreme =
  (pick: 1 | -1): AccOp =>
  (coll, expr, options) => {
    let items: unknown[] = expr === null ? coll : (mingoAccumulators.$push(coll, expr as AnyObject, options) as unknown[]);
    if (expr === null && items.length === 1 && Array.isArray(items[0])) items = items[0];
    let best: unknown = null;
    for (const v of items) {
      if (v === null || v === undefined) continue;
      if (best === null || compareValues(v, best) * pick > 0) best = v;
    }
    return best;
  };

const scriptsDisabled = (name: string): ExprOp => () => {
  throw notImplemented(`${name} is not supported: server-side JavaScript is disabled`);
};

/** mingo's own $setWindowFields calls $function with a real JS function; clients never can. */
const $function: ExprOp = (obj, expr, options) => {
  const body = (expr as { body?: unknown } | null)?.body;
  if (typeof body !== 'function') return scriptsDisabled('$function')(obj, expr, options);
  return mingoExpressions.$function(obj as AnyObject, expr, options);
};

export const expressionOperators: Record<string, ExprOp> = {
  ...(mingoExpressions as unknown as Record<string, ExprOp>),
  $eq: comparison('$eq', (c) => c === 0),
  $ne: comparison('$ne', (c) => c !== 0),
  $gt: comparison('$gt', (c) => c > 0),
  $gte: comparison('$gte', (c) => c >= 0),
  $lt: comparison('$lt', (c) => c < 0),
  $lte: comparison('$lte', (c) => c <= 0),
  $cmp: (obj, expr, options) => {
    const [a, b] = twoArgs('$cmp', obj, expr, options);
    return compareForExpr(a, b);
  },
  $in,
  $function,
};

export const accumulatorOperators: Record<string, AccOp> = {
  ...(mingoAccumulators as unknown as Record<string, AccOp>),
  $max: extreme(1),
  $min: extreme(-1),
  $accumulator: scriptsDisabled('$accumulator') as AccOp,
};

export const windowOperators = mingoWindow as unknown as Record<string, ExprOp>;

type OpsInit = Parameters<typeof Context.init>[0];

/**
 * Options for mingo. Each Aggregator copies the Context it is given, so the operators that
 * $fill/$setWindowFields register at run time never leak into these shared options.
 */
export function makeOptions(pipelineOps: Record<string, unknown>, resolver?: (name: string) => AnyObject[]): Options {
  const ops = {
    expression: expressionOperators,
    accumulator: accumulatorOperators,
    window: windowOperators,
    pipeline: pipelineOps,
    // Only reached by mingo stages that build their own queries ($graphLookup's restrictSearchWithMatch).
    query: mingoQuery,
    projection: mingoProjection,
  } as unknown as OpsInit;
  return {
    idKey: '_id',
    processingMode: ProcessingMode.CLONE_OFF,
    useStrictMode: true,
    scriptEnabled: true,
    failOnError: true,
    collectionResolver: resolver,
    context: Context.init(ops),
  };
}

/**
 * mingo copies the whole operator table (a few hundred entries) whenever it is handed plain
 * options, which made every $expr evaluation cost ~10µs. Handing it an instance of its own
 * internal options class instead costs a shallow copy. That class is not exported, so one is
 * captured from inside an operator call, once.
 */
const CAPTURE = '$__queryLayerCaptureOptions';
let captured: Options | undefined;
expressionOperators[CAPTURE] = (_obj, _expr, options) => {
  captured = options;
  return null;
};

interface ComputeOptionsLike {
  update(locals: { root: null }): unknown;
}

function sharedOptions(): Options {
  if (!captured) {
    evalExpr({}, { [CAPTURE]: 1 }, makeOptions({}));
    // The capture ran with root {}; clear it so each evaluation binds its own document.
    (captured as unknown as ComputeOptionsLike).update({ root: null });
  }
  return captured as Options;
}

/** Evaluate an aggregation expression against one document ($expr, computed projections). */
export function evaluate(doc: unknown, expr: unknown, options?: Options): unknown {
  try {
    return evalExpr(doc, expr, options ?? sharedOptions());
  } catch (err) {
    throw translateMingoError(err);
  }
}

interface StageOptions {
  readonly local?: { readonly root?: unknown };
  readonly options?: Options;
}

/**
 * Evaluate with the options mingo hands a pipeline stage. mingo resolves `$field` against
 * `local.root` when it is set, so if another operator left one behind, start from the raw
 * options instead of evaluating against a stale root.
 */
export function evaluateWith(doc: unknown, expr: unknown, options: Options): unknown {
  const stage = options as StageOptions;
  const root = stage.local?.root;
  const usable = root === undefined || root === null ? options : (stage.options ?? options);
  return evaluate(doc, expr, usable);
}

/** mingo throws plain Errors; give them MongoDB codes so clients see familiar failures. */
export function translateMingoError(err: unknown): Error {
  if (err instanceof QueryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const stage = /unregistered pipeline operator (\$[A-Za-z0-9_]+)/.exec(message);
  if (stage) return located(40324, `Unrecognized pipeline stage name: '${stage[1]}'`);
  const unknownOp = /(?:accumulator|operator) '?(\$[A-Za-z0-9_]+)'? is not registered|unregistered \w+ operator (\$[A-Za-z0-9_]+)/.exec(message);
  if (unknownOp) return invalidPipelineOperator(`Unrecognized expression '${unknownOp[1] ?? unknownOp[2]}'`);
  return new QueryError(2, 'BadValue', message);
}
