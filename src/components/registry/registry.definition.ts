import { Types } from 'mongoose';
import type { z } from 'zod';
import { AppError } from '../../shared/errors/app.error';
import type { Principal, Resource } from '../auth';
import type { CredentialStatus } from './credential.status';
import { credentialStatus } from './credential.status';
import type { StoredCredential, StoredDoc } from './registry.model';
import type { RegistryPolicy } from './registry.policy';
import type { RefResolver } from './registry.refs';

export type RegistryResource = Extract<Resource, 'districts' | 'enterprises' | 'sites' | 'vehicles' | 'workers' | 'customers' | 'cylinders'>;

/** What record rules get to work with; no request, no session. */
export interface WriteContext {
  principal: Principal;
  now: Date;
  refs: RefResolver;
  policy: RegistryPolicy;
  piiSecret: string;
}

/** Who is looking: decides masking (owner enterprise sees its customers' phones). */
export interface Viewer {
  enterpriseId?: string;
  now: Date;
  policy: RegistryPolicy;
}

/** Fields to store; on PATCH a null value removes the field. */
export type Fields = Record<string, unknown>;

export interface ListQueryBase {
  q?: string;
  enterpriseId?: string;
  districtCode?: string;
  active?: boolean;
  order: 'asc' | 'desc';
  sort: string;
  limit: number;
  cursor?: string;
}

/**
 * One kind of registry record: its schemas, how input becomes stored fields, how stored fields
 * become what a caller sees, and its list filters. The generic service does the rest (scope,
 * transactions, audit, pagination) the same way for every record.
 */
export interface RecordDefinition<TCreate = unknown, TPatch = unknown, TQuery extends ListQueryBase = ListQueryBase> {
  resource: RegistryResource;
  /** Singular, for OpenAPI names and messages. */
  noun: string;
  createSchema: z.ZodType<TCreate>;
  patchSchema: z.ZodType<TPatch>;
  querySchema: z.ZodType<TQuery>;
  viewSchema: z.ZodType;
  /** Where the owning enterprise and the district live on this record. */
  enterpriseField: '_id' | 'enterpriseId' | null;
  districtField: 'districtCode' | 'code';
  textFields: readonly string[];
  toStored(input: TCreate, ctx: WriteContext): Promise<Fields>;
  patchToStored(patch: TPatch, existing: StoredDoc, ctx: WriteContext): Promise<Fields>;
  filters(query: TQuery, now: Date, policy: RegistryPolicy): Record<string, unknown>[];
  view(doc: StoredDoc, viewer: Viewer): Record<string, unknown>;
  /** The filter that finds the stored record with the same natural key (imports). */
  naturalKey?(fields: Fields): Record<string, unknown>;
  /** The field named in import errors when a natural key collides. */
  naturalKeyField?: string;
  /**
   * Why a stored record may no longer change (e.g. a scrapped cylinder), or undefined while it may.
   * Checked by PATCH and by imports alike, after the change is computed: an unchanged field is fine.
   */
  closedReason?(existing: StoredDoc): string | undefined;
  /**
   * Create-only input fields (not in the patch schema) stored under another name, for comparing an
   * import row with the stored record; the rest are stored under their own name.
   */
  storedAs?: Readonly<Record<string, string>>;
}

// ---- helpers shared by the record definitions ----

export const toDate = (s: string): Date => new Date(s);
export const iso = (d: unknown): string | undefined => (d instanceof Date ? d.toISOString() : undefined);
export const hex = (id: unknown): string | undefined => (id instanceof Types.ObjectId ? id.toHexString() : undefined);

export interface CredentialInput {
  number: string;
  scope?: string | undefined;
  issuer?: string | undefined;
  validFrom?: string | undefined;
  validTo: string;
  suspendedAt?: string | undefined;
  revokedAt?: string | undefined;
}
export type CredentialPatch = Partial<Omit<CredentialInput, 'suspendedAt' | 'revokedAt'>> & {
  suspendedAt?: string | null | undefined;
  revokedAt?: string | null | undefined;
};

export function storeCredential(input: CredentialInput, field: string): StoredCredential {
  const stored: StoredCredential = { number: input.number, validTo: toDate(input.validTo) };
  if (input.scope !== undefined) stored.scope = input.scope;
  if (input.issuer !== undefined) stored.issuer = input.issuer;
  if (input.validFrom !== undefined) stored.validFrom = toDate(input.validFrom);
  if (input.suspendedAt !== undefined) stored.suspendedAt = toDate(input.suspendedAt);
  if (input.revokedAt !== undefined) stored.revokedAt = toDate(input.revokedAt);
  checkCredential(stored, field);
  return stored;
}

/** Merges a PATCH into a stored credential; null lifts a suspension or revocation. */
export function patchCredential(existing: StoredCredential | undefined, patch: CredentialPatch, field: string): StoredCredential {
  if (!existing && (patch.number === undefined || patch.validTo === undefined)) {
    throw validationError(field, 'needs a number and validTo when none is registered yet');
  }
  const next: StoredCredential = { ...(existing as StoredCredential) };
  for (const key of ['number', 'scope', 'issuer'] as const) {
    const value = patch[key];
    if (value !== undefined) next[key] = value;
  }
  for (const key of ['validFrom', 'validTo', 'suspendedAt', 'revokedAt'] as const) {
    const value = patch[key];
    if (value === null) delete next[key as 'suspendedAt'];
    else if (value !== undefined) next[key] = toDate(value);
  }
  checkCredential(next, field);
  return next;
}

function checkCredential(c: StoredCredential, field: string): void {
  if (c.validFrom && c.validFrom >= c.validTo) throw validationError(`${field}.validTo`, 'must be after validFrom');
}

function validationError(path: string, message: string): AppError {
  return AppError.validation([{ path, message }]);
}

export function viewCredential(c: unknown, viewer: Viewer): (Record<string, unknown> & { status: CredentialStatus }) | undefined {
  if (!c || typeof c !== 'object') return undefined;
  const s = c as StoredCredential;
  return {
    number: s.number,
    ...(s.scope !== undefined ? { scope: s.scope } : {}),
    ...(s.issuer !== undefined ? { issuer: s.issuer } : {}),
    ...(s.validFrom ? { validFrom: s.validFrom.toISOString() } : {}),
    validTo: s.validTo.toISOString(),
    ...(s.suspendedAt ? { suspendedAt: s.suspendedAt.toISOString() } : {}),
    ...(s.revokedAt ? { revokedAt: s.revokedAt.toISOString() } : {}),
    status: credentialStatus(s, viewer.now, viewer.policy),
  };
}

export function viewMeta(doc: StoredDoc): Record<string, unknown> {
  return {
    id: doc._id.toHexString(),
    active: doc.active,
    ...(doc.deactivatedAt ? { deactivatedAt: doc.deactivatedAt.toISOString() } : {}),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** Drops undefined values so optional input fields are simply absent from the stored record. */
export function defined(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
