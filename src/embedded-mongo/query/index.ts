/**
 * The pure, I/O-free query layer of the embedded MongoDB server: matching, ordering, projecting,
 * updating and aggregating BSON documents with MongoDB semantics. Inputs are never mutated.
 */
export { QueryError } from './errors';
export { compareValues, valuesEqual } from './compare';
export { compileFilter } from './filter';
export { compileSort } from './sort';
export { compileProjection } from './projection';
export { applyUpdate, type UpdateOptions } from './update';
export { upsertSeed, isReplacement } from './upsert';
export { runPipeline, type PipelineContext } from './pipeline';
export { valuesAtPath } from './path';
