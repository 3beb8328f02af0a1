import { z } from '../../shared/openapi/zod.openapi';
import { CREDENTIAL_COMMANDS, CREDENTIAL_STATES } from './credential.lifecycle';
import { CREDENTIAL_STATUSES } from './credential.status';
import { PHONE_PATTERN, isValidIdNumber, isValidPlate, isValidUscc } from './registry.pii';

/** Building blocks shared by every record's schemas. Strings never start with `$`: text is text. */
import { idParams, objectId } from '../../shared/http/object-id.schema';
import { cursorQuery } from '../../shared/http/page.cursor';
import { realDate } from '../../shared/http/date.schema';

export { idParams, objectId };

export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !s.startsWith('$'), 'must not start with $');

export const isoDate = realDate(
  z
    .string()
    // One problem per field: a text that is no date at all is not also "not a real date".
    .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/, { message: 'must be a date (YYYY-MM-DD) or an ISO date-time', abort: true })
    .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date'),
).openapi({ format: 'date', example: '2025-01-01' });

export const districtCode = z.string().regex(/^\d{6}$/, 'must be a 6-digit administrative division code').openapi({ example: '441802' });

export const idNumber = z
  .string()
  .trim()
  .refine(isValidIdNumber, 'must be an 18-character resident ID number with a valid GB 11643 check character')
  .openapi({ description: 'Write-only: stored as a keyed hash plus its last 4 characters', example: '44180219900101123X' });

export const uscc = z.string().trim().refine(isValidUscc, 'must be an 18-character unified social credit code with a valid check character');
export const phone = z.string().trim().regex(PHONE_PATTERN, 'must be a mainland mobile (11 digits) or landline number').openapi({ example: '13812341234' });
export const plate = z.string().trim().refine(isValidPlate, 'must be a mainland vehicle plate such as 粤R12345').openapi({ example: '粤R12345' });

/**
 * A human key unique within the enterprise (a site's 站点编号, a worker's 工号): what a clerk writes
 * in a CSV or a device sends instead of an id. Letters (any script), digits, - and _, at most 20, so
 * it is never mistaken for a 24-hex id; compared upper-cased (s01 is S01, see normalizeCode).
 */
export const CODE_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_-]{0,19}$/u;
export const recordCode = z
  .string()
  .trim()
  .regex(CODE_PATTERN, 'must be 1–20 letters, digits, - or _, starting with a letter or digit')
  .openapi({ example: 'S01' });
export const normalizeCode = (raw: string): string => raw.trim().toUpperCase();

/** [longitude, latitude] inside China's extent, so a swapped pair is caught. */
export const coordinates = z
  .tuple([z.number().min(73).max(136), z.number().min(3).max(54)])
  .openapi({ description: '[longitude, latitude], WGS-84', example: [113.0561, 23.6817] });

/** There is no upload facility: a scan is referred to by the SHA-256 of the file its holder keeps. */
export const scanSha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the scanned document, 64 lowercase hex digits')
  .openapi({ description: 'SHA-256 of the scanned document (the file itself is kept by the holder; there is no upload)' });

/** What is written on the paper, as a holder submits it (credential.lifecycle.ts). */
export const credentialPaper = {
  number: text(64),
  scope: text(200).optional(),
  issuer: text(100).optional(),
  validFrom: isoDate.optional(),
  validTo: isoDate,
  scanSha256: scanSha256.optional(),
  note: text(500).optional(),
};

/**
 * A licence, permit or certificate as written on paper. Entered by an enterprise it is `submitted`
 * (status `unverified`) until a regulator verifies it; entered by a regulator it is verified at once.
 */
export const credentialInput = z.strictObject({
  ...credentialPaper,
  suspendedAt: isoDate.optional().openapi({ description: 'Regulators only (a credential suspended on paper before it was registered)' }),
  revokedAt: isoDate.optional().openapi({ description: 'Regulators only' }),
});

/**
 * PATCH of a credential: each field replaces the stored one. An enterprise may rewrite only a
 * credential nobody verified yet (else 409 CREDENTIAL_LOCKED); suspension and revocation are given
 * only with their registered value (they change through the credential routes, with a reason).
 */
/** The paper of a credential, every field optional: what a change of it may name. */
export const credentialPaperChange = {
  number: text(64).optional(),
  scope: text(200).optional(),
  issuer: text(100).optional(),
  validFrom: isoDate.optional(),
  validTo: isoDate.optional(),
  scanSha256: scanSha256.optional(),
  note: text(500).optional(),
};

export const credentialPatch = z.strictObject({
  ...credentialPaperChange,
  suspendedAt: isoDate.nullable().optional(),
  revokedAt: isoDate.nullable().optional(),
});

export const credentialStatusSchema = z.enum(CREDENTIAL_STATUSES);

const paperView = {
  number: z.string(),
  scope: z.string().optional(),
  issuer: z.string().optional(),
  validFrom: z.string().optional(),
  validTo: z.string(),
  scanSha256: z.string().optional(),
  note: z.string().optional(),
  submittedAt: z.string().optional(),
};

export const credentialView = z
  .object({
    ...paperView,
    suspendedAt: z.string().optional(),
    revokedAt: z.string().optional(),
    rejectedAt: z.string().optional().openapi({ description: 'When a regulator refused the submission (the reason is in decision)' }),
    verifiedAt: z.string().optional().openapi({ description: 'When a regulator verified it; absent while only submitted' }),
    decision: z
      .object({ action: z.string(), at: z.string(), by: z.string(), reason: z.string().optional() })
      .optional()
      .openapi({ description: 'The last regulator decision (verify, suspend, revoke, reinstate, amend, submit) and its reason' }),
    renewal: z.object(paperView).optional().openapi({ description: 'A renewal the holder submitted, awaiting verification; it does not count until verified' }),
    state: z.enum(CREDENTIAL_STATES).openapi({ description: 'Lifecycle state: submitted → verified (or rejected) → suspended / revoked' }),
    commands: z
      .array(z.enum(CREDENTIAL_COMMANDS))
      .openapi({ description: 'The commands the state allows next (credential.lifecycle.ts); verify and reject on a verified credential act on its pending renewal' }),
    status: credentialStatusSchema.openapi({ description: 'Derived now: unverified until a regulator verifies; then suspended / revoked / dates' }),
  })
  .openapi('Credential');

/** Fields every record's view carries. */
export const recordMeta = {
  id: z.string(),
  active: z.boolean(),
  deactivatedAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Query parameters every list accepts; each record adds its own filters. Unknown keys → 400. */
export const listQueryBase = {
  // A control character is in no name, serial or plate; a NUL would reach the search's regex, which the database refuses.
  q: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .refine((s) => !CONTROL_CHARACTER.test(s), 'must not contain control characters')
    .optional()
    .openapi({ description: 'Text search on names, serials, plates' }),
  enterpriseId: objectId.optional(),
  districtCode: districtCode.optional(),
  active: bool.optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
};

