import { z } from '../../../shared/openapi/zod.openapi';
import { CHAIN_PROBLEMS } from '..';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const size = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const checkpointSchema = z
  .object({
    treeSize: z.number().int().min(0),
    rootHash: hex64.openapi({ description: 'RFC 6962 Merkle tree head (MTH) of the first treeSize leaves, hex' }),
    timestamp: z.string().openapi({ format: 'date-time' }),
    keyId: z.string().openapi({ description: 'First 16 hex digits of SHA-256 of the public key (SPKI DER)' }),
    signature: z.string().openapi({
      description: 'Ed25519 over "lpg-trace-ledger/v1\\n{keyId}\\n{treeSize}\\n{rootHash}\\n{timestamp}\\n", base64',
    }),
  })
  .openapi('LedgerCheckpoint');

export const publicKeySchema = z
  .object({ keyId: z.string(), algorithm: z.literal('Ed25519'), publicKeyPem: z.string() })
  .openapi('LedgerPublicKey');

export const checkpointsQuerySchema = z.strictObject({
  /** The checkpoint of exactly this tree size; without it the newest ones, newest first. */
  size: size.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const checkpointListSchema = z.object({ items: z.array(checkpointSchema) }).openapi('LedgerCheckpointList');

export const inclusionQuerySchema = z.strictObject({
  eventId: z.string().min(1).max(100),
  /** A checkpointed tree size; default: the latest checkpoint's. */
  treeSize: size.optional(),
});

export const inclusionProofSchema = z
  .object({
    eventId: z.string(),
    leafIndex: z.number().int().openapi({ description: "The event's logSeq: its position in the global log" }),
    treeSize: z.number().int(),
    leafHash: hex64.openapi({ description: 'SHA-256(0x00 || bytes of the event hash), hex' }),
    auditPath: z.array(hex64).openapi({ description: 'RFC 6962 PATH(leafIndex, D[treeSize]), leaf side first' }),
  })
  .openapi('LedgerInclusionProof');

export const consistencyQuerySchema = z.strictObject({ from: size, to: size });

export const consistencyProofSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    fromRoot: hex64,
    toRoot: hex64,
    proof: z.array(hex64).openapi({ description: 'RFC 6962 PROOF(from, D[to])' }),
  })
  .openapi('LedgerConsistencyProof');

/**
 * An event as exported: every stored field, dates as ISO strings. Unknown fields are kept (they
 * are covered by the hash only if the ledger hashes them).
 */
export const exportedEventSchema = z
  .looseObject({
    eventId: z.string(),
    logSeq: z.number().int().min(0),
    cylinderId: z.string(),
    cylinderSeq: z.number().int().min(0),
    prevHash: hex64.nullable(),
    hash: hex64,
  })
  .openapi('LedgerExportedEvent');

export const BUNDLE_FORMAT = 'lpg-trace-cylinder-export/v1';

export const exportBundleSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    cylinderId: z.string(),
    exportedAt: z.string().openapi({ format: 'date-time' }),
    checkpoint: checkpointSchema,
    events: z.array(exportedEventSchema).openapi({ description: "The cylinder's whole chain, oldest first" }),
    proofs: z.array(inclusionProofSchema).openapi({ description: 'One inclusion proof per event against the checkpoint' }),
  })
  .openapi('LedgerExportBundle');

export { idParams as cylinderParamsSchema } from '../../../shared/http/object-id.schema';

export type CheckpointView = z.infer<typeof checkpointSchema>;
export type InclusionProof = z.infer<typeof inclusionProofSchema>;
export type ConsistencyProof = z.infer<typeof consistencyProofSchema>;
export type ExportBundle = z.infer<typeof exportBundleSchema>;
export type ExportedEvent = z.infer<typeof exportedEventSchema>;

export const incidentsQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export const incidentSchema = z
  .object({
    logPosition: z.number().int().openapi({ description: 'The damaged position (logSeq) in the global log' }),
    kind: z.enum(['EVENT_ALTERED', 'EVENT_MISSING']).openapi({
      description: 'EVENT_ALTERED: the stored event no longer matched its hash when it was integrated (logged with its stored hash); EVENT_MISSING: no event held the position (logged as a sentinel gap leaf)',
    }),
    eventId: z.string().nullable(),
    cylinderId: z.string().nullable(),
    leafHash: hex64.openapi({ description: 'The leaf the log holds at that position' }),
    detectedAt: z.string().openapi({ format: 'date-time' }),
    detail: z.string(),
  })
  .openapi('LedgerLogIncident');
export type IncidentView = z.infer<typeof incidentSchema>;

export const incidentListSchema = z.object({ items: z.array(incidentSchema) }).openapi('LedgerLogIncidentList');

export const cylinderVerificationSchema = z
  .object({
    ok: z.boolean(),
    events: z.number().int().openapi({ description: 'Events verified before the first problem (all of them when ok)' }),
    headHash: z.string().nullable(),
    firstBadEventId: z.string().optional(),
    reason: z.enum(CHAIN_PROBLEMS).optional().openapi({
      description: 'STATE_DISCONTINUITY: fromState is not the previous toState; NOT_IN_SIGNED_LOG: the event is not the leaf at its log position under the signed checkpoint; HEAD_MISMATCH / PROJECTION_MISMATCH: the projection disagrees with the chain',
    }),
    detail: z.string().optional(),
    log: z.object({
      treeSize: z.number().int().openapi({ description: 'Size of the signed checkpoint the events were proved against (0: none yet)' }),
      checkpointAt: z.string().nullable(),
      keyId: z.string().nullable(),
      included: z.number().int().openapi({ description: 'Events proved in the signed log' }),
      pending: z.number().int().openapi({ description: 'Events not yet covered by a signed checkpoint: checked for all but inclusion' }),
    }),
  })
  .openapi('ChainVerification');
