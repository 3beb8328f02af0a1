import { Types } from 'mongoose';
import type { z } from 'zod';
import { AppError } from '../../shared/errors/app.error';
import { can, type Principal, type Resource } from '../auth';
import { allowedCommands, credentialState, PAPER_FIELDS, transition, type CredentialPaper, type CredentialTransition, type Stamp } from './credential.lifecycle';
import type { CredentialStatus } from './credential.status';
import { credentialStatus } from './credential.status';
import type { StoredCredential, StoredDoc, StoredSubmission } from './registry.model';
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
  scanSha256?: string | undefined;
  note?: string | undefined;
  suspendedAt?: string | undefined;
  revokedAt?: string | undefined;
}
export type CredentialPatch = Partial<Omit<CredentialInput, 'suspendedAt' | 'revokedAt'>> & {
  suspendedAt?: string | null | undefined;
  revokedAt?: string | null | undefined;
};

/**
 * Who writes a credential: a regulator with authority over the record (the permission table's
 * `credentials: verify`; scope is checked where the record is loaded), or its holder.
 */
export function credentialStamp(principal: Principal, at: Date): Stamp {
  return { at, by: principal.username, authority: can(principal.role, 'credentials', 'verify') ? 'regulator' : 'holder' };
}

export function paperOf(input: Partial<Omit<CredentialInput, 'suspendedAt' | 'revokedAt'>>): Partial<CredentialPaper> {
  const paper: Partial<CredentialPaper> = {};
  for (const key of ['number', 'scope', 'issuer', 'scanSha256', 'note'] as const) if (input[key] !== undefined) paper[key] = input[key];
  if (input.validFrom !== undefined) paper.validFrom = toDate(input.validFrom);
  if (input.validTo !== undefined) paper.validTo = toDate(input.validTo);
  return paper;
}

/** 409 CREDENTIAL_LOCKED naming each field: PATCH and imports report it the same way. */
export function credentialLocked(paths: readonly string[], message: string): AppError {
  return new AppError('CREDENTIAL_LOCKED', 409, 'Credential locked', { detail: `${paths.join(', ')} ${message}`, errors: paths.map((path) => ({ path, message })) });
}

const DECISION_FIELDS = ['suspendedAt', 'revokedAt'] as const;
const DECIDED_BY_ROUTE = 'is set and lifted only by a regulator, with a reason, through POST …/credentials/{kind}/suspend, /revoke or /reinstate';
const VERIFIED_LOCK = 'belongs to a credential a regulator verified: the enterprise cannot change it; submit a renewal (POST …/credentials/{kind}/submit), which counts once a regulator verifies it';

function applied(result: CredentialTransition, field: string): StoredCredential {
  if (result.ok) return result.credential;
  if (result.code === 'CREDENTIAL_DATES_INVALID') throw validationError(`${field}.validTo`, result.detail);
  throw new AppError(result.code, 409, 'Credential transition not allowed', { detail: `${field}: ${result.detail}` });
}

/** A credential entered with a new record: submitted by a holder, verified at once for a regulator. */
export function storeCredential(input: CredentialInput, field: string, ctx: WriteContext): StoredCredential {
  const stamp = credentialStamp(ctx.principal, ctx.now);
  const decisions = DECISION_FIELDS.filter((k) => input[k] !== undefined);
  if (stamp.authority === 'holder' && decisions.length > 0) throw credentialLocked(decisions.map((k) => `${field}.${k}`), DECIDED_BY_ROUTE);
  const stored = applied(transition(undefined, { name: 'submit', paper: paperOf(input) as CredentialPaper }, stamp), field);
  // A regulator may enter a credential it had already suspended or revoked on paper.
  if (input.suspendedAt !== undefined) stored.suspendedAt = toDate(input.suspendedAt);
  if (input.revokedAt !== undefined) stored.revokedAt = toDate(input.revokedAt);
  return stored;
}

/**
 * Merges a PATCH (or an import row for an existing record) into a stored credential through the
 * lifecycle: a holder may rewrite a submission nobody verified yet, never a verified one; a
 * regulator's change is verified at once. Suspension and revocation are never PATCHed.
 */
export function patchCredential(existing: StoredCredential | undefined, patch: CredentialPatch, field: string, ctx: WriteContext): StoredCredential | undefined {
  if (!existing && (patch.number === undefined || patch.validTo === undefined)) {
    throw validationError(field, 'needs a number and validTo when none is registered yet');
  }
  const decisions = DECISION_FIELDS.filter((k) => patch[k] !== undefined && !same(patch[k] === null ? undefined : toDate(patch[k] as string), existing?.[k]));
  if (decisions.length > 0) throw credentialLocked(decisions.map((k) => `${field}.${k}`), DECIDED_BY_ROUTE);
  const paper = paperOf(patch);
  const changed = PAPER_FIELDS.filter((k) => paper[k] !== undefined && !same(paper[k], existing?.[k]));
  if (changed.length === 0) return existing;
  const stamp = credentialStamp(ctx.principal, ctx.now);
  const state = credentialState(existing);
  if (state === 'none' || state === 'submitted' || state === 'rejected') {
    const merged = { ...paperOnly(existing), ...paper } as CredentialPaper;
    return applied(transition(existing, { name: 'submit', paper: merged }, stamp), field);
  }
  if (stamp.authority === 'holder') throw credentialLocked(changed.map((k) => `${field}.${k}`), VERIFIED_LOCK);
  return applied(transition(existing, { name: 'amend', paper }, stamp), field);
}

/** Dates compare by instant, absent equals null. */
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function paperOnly(c: StoredCredential | undefined): Partial<CredentialPaper> {
  if (!c) return {};
  return Object.fromEntries(PAPER_FIELDS.filter((k) => c[k] !== undefined).map((k) => [k, c[k]]));
}

function validationError(path: string, message: string): AppError {
  return AppError.validation([{ path, message }]);
}

function viewPaper(s: StoredSubmission): Record<string, unknown> {
  return defined({
    number: s.number,
    scope: s.scope,
    issuer: s.issuer,
    validFrom: iso(s.validFrom),
    validTo: iso(s.validTo),
    scanSha256: s.scanSha256,
    note: s.note,
    submittedAt: iso(s.submittedAt),
  });
}

export function viewCredential(c: unknown, viewer: Viewer): (Record<string, unknown> & { status: CredentialStatus }) | undefined {
  if (!c || typeof c !== 'object') return undefined;
  const s = c as StoredCredential;
  return {
    ...viewPaper(s),
    ...defined({
      suspendedAt: iso(s.suspendedAt),
      revokedAt: iso(s.revokedAt),
      rejectedAt: iso(s.rejectedAt),
      verifiedAt: iso(s.verifiedAt),
      decision: s.decision ? defined({ action: s.decision.action, at: iso(s.decision.at), by: s.decision.by, reason: s.decision.reason }) : undefined,
      renewal: s.renewal ? viewPaper(s.renewal) : undefined,
    }),
    state: credentialState(s),
    // What the lifecycle table lets a state do next, so a console offers only those (the permission table says who).
    commands: allowedCommands(credentialState(s)),
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
