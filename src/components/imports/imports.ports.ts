import type { UpsertableResource } from '../registry';

/**
 * What CSV imports need from the registry: its bulk upsert, `bulkUpsert` (inputSchema + upsertMany,
 * one transaction, idempotent on each record's natural key, scope enforced there). Unit tests use an
 * in-memory fake of the same interface.
 */
export type { BulkUpsertPort, UpsertableResource, BulkUpsertResult, UpsertRowError } from '../registry';

/** What imports need to read human codes (a station code in a 充装站 column): the registry's code look-ups, scoped to the caller. */
export type { CodeLookups, CodedResource } from '../registry';

/** The registry's bulk-upsertable resources, which CSV imports accept, as a tuple, for the route's zod enum. */
export const IMPORTABLE_RESOURCES = ['sites', 'vehicles', 'workers', 'customers', 'cylinders'] as const satisfies readonly UpsertableResource[];

// Fails to compile if the registry makes another resource bulk-upsertable and this list misses it.
type Missing = Exclude<UpsertableResource, (typeof IMPORTABLE_RESOURCES)[number]>;
const _everyResourceListed: [Missing] extends [never] ? true : never = true;
