import type { ImportableResource } from '../registry';

/**
 * What the import component needs from the registry: its `importPort` (inputSchema + upsertMany,
 * one transaction, idempotent on each record's natural key, scope enforced there). Unit tests use an
 * in-memory fake of the same interface.
 */
export type { ImportPort, ImportableResource, ImportResult as UpsertOutcome, ImportRowError as UpsertError } from '../registry';

/** The registry's importable resources as a tuple, for the route's zod enum. */
export const IMPORTABLE_RESOURCES = ['sites', 'vehicles', 'workers', 'customers', 'cylinders'] as const satisfies readonly ImportableResource[];

// Fails to compile if the registry makes another resource importable and this list misses it.
type Missing = Exclude<ImportableResource, (typeof IMPORTABLE_RESOURCES)[number]>;
const _everyResourceListed: [Missing] extends [never] ? true : never = true;
