/**
 * runPipeline: mingo's Aggregator driving a stage table in which the BSON-sensitive and
 * input-mutating stages are ours (see pipeline-stages.ts) and the rest are mingo's.
 */
import { Aggregator } from 'mingo/aggregator';
import * as mingoPipeline from 'mingo/operators/pipeline';
import type { AnyObject, Options } from 'mingo/types/types';
import { isDocument } from './bson-types';
import { badValue, located, notImplemented } from './errors';
import { makeOptions, translateMingoError } from './expression';
import * as grouping from './pipeline-group-stages';
import * as ours from './pipeline-stages';

type Doc = Record<string, unknown>;

export interface PipelineContext {
  /** All documents of another collection of the same database ($lookup, $unionWith, $graphLookup). */
  collection(name: string): Iterable<Doc>;
}

/** Stages mongod has that this layer does not run; the engine may handle some ($out, $merge) itself. */
const UNSUPPORTED = [
  '$out', '$merge', '$geoNear', '$search', '$searchMeta', '$vectorSearch', '$collStats', '$indexStats', '$currentOp',
  '$listSessions', '$listLocalSessions', '$changeStream', '$changeStreamSplitLargeEvent', '$planCacheStats',
  '$listSearchIndexes', '$querySettings', '$queryStats', '$shardedDataDistribution', '$listSampledQueries',
  '$listCatalog', '$listClusterCatalog', '$rankFusion', '$scoreFusion',
];

const unsupported = (name: string): Error => notImplemented(`${name} is not supported by the embedded query layer`);
const refuse = (name: string): ours.Stage => () => {
  throw unsupported(name);
};

/** mingo's $fill and $setWindowFields write computed fields into the documents they are given. */
const MUTATING = new Set(['$fill', '$setWindowFields']);

const mingoStages = mingoPipeline as unknown as Record<string, ours.Stage>;

/** mongod puts _id first in $bucketAuto output; mingo puts it after the accumulators. */
const idFirst =
  (stage: ours.Stage): ours.Stage =>
  (coll, spec, options) =>
    stage(coll, spec, options).map((doc: Doc) => ('_id' in doc ? { _id: doc._id, ...doc } : doc));

const STAGES: Record<string, ours.Stage> = {
  ...mingoStages,
  $bucketAuto: idFirst(mingoStages.$bucketAuto as ours.Stage),
  $bucket: grouping.$bucket,
  $group: grouping.$group,
  $count: grouping.$count,
  $replaceRoot: grouping.$replaceRoot,
  $replaceWith: grouping.$replaceWith,
  $match: ours.$match,
  $sort: ours.$sort,
  $limit: ours.$limit,
  $skip: ours.$skip,
  $project: ours.$project,
  $unset: ours.$unset,
  $addFields: ours.$addFields,
  $set: ours.$addFields,
  $unwind: ours.$unwind,
  $sortByCount: ours.$sortByCount,
  $lookup: ours.makeLookup(runSubPipeline),
  ...Object.fromEntries(UNSUPPORTED.map((name) => [name, refuse(name)])),
};

function stageName(stage: unknown): string {
  if (!isDocument(stage) || Object.keys(stage).length !== 1) {
    throw located(40323, 'A pipeline stage specification object must contain exactly one field.');
  }
  return Object.keys(stage)[0] as string;
}

function validate(pipeline: unknown): Doc[] {
  if (!Array.isArray(pipeline)) throw badValue('A pipeline must be an array of stage documents');
  for (const stage of pipeline) {
    const name = stageName(stage);
    if (!Object.prototype.hasOwnProperty.call(STAGES, name)) throw located(40324, `Unrecognized pipeline stage name: '${name}'`);
    if (UNSUPPORTED.includes(name)) throw unsupported(name);
  }
  return pipeline as Doc[];
}

/** Whether a mutating mingo stage appears anywhere, including nested pipelines. */
function mutates(pipeline: readonly unknown[]): boolean {
  return pipeline.some((stage) => {
    if (!isDocument(stage)) return false;
    const [name, spec] = Object.entries(stage)[0] ?? ['', undefined];
    if (MUTATING.has(name)) return true;
    if (!isDocument(spec)) return false;
    if (name === '$facet') return Object.values(spec).some((p) => Array.isArray(p) && mutates(p));
    return Array.isArray(spec.pipeline) && mutates(spec.pipeline);
  });
}

/** Deep copy of plain documents and arrays; BSON values are immutable and stay shared. */
function cloneDocument<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneDocument) as T;
  if (!isDocument(v)) return v;
  const out: Doc = {};
  for (const key of Object.keys(v)) out[key] = cloneDocument(v[key]);
  return out as T;
}

function execute(docs: Iterable<Doc>, pipeline: Doc[], options: Options): Doc[] {
  try {
    return new Aggregator(pipeline, options).run<Doc>(docs);
  } catch (err) {
    throw translateMingoError(err);
  }
}

interface StageOptions {
  readonly options?: Options;
}

/** A $lookup sub-pipeline, with the `let` variables bound for this outer document. */
function runSubPipeline(docs: Doc[], pipeline: Doc[], options: Options, variables: Doc): Doc[] {
  validate(pipeline);
  const base = (options as StageOptions).options ?? options;
  const input = mutates(pipeline) ? docs.map(cloneDocument) : docs;
  return execute(input, pipeline, { ...base, variables: { ...base.variables, ...variables } });
}

const BASE_OPTIONS = makeOptions(STAGES);

export function runPipeline(
  docs: Iterable<Record<string, unknown>>,
  pipeline: Record<string, unknown>[],
  ctx: PipelineContext,
): Record<string, unknown>[] {
  validate(pipeline);
  const copy = mutates(pipeline);
  const resolver = (name: string): AnyObject[] => {
    const list = Array.from(ctx.collection(name));
    return copy ? list.map(cloneDocument) : list;
  };
  const input = copy ? Array.from(docs, cloneDocument) : docs;
  return execute(input, pipeline, { ...BASE_OPTIONS, collectionResolver: resolver });
}
