import { isoInstant } from '../../../shared/http/date.schema';
import { objectId } from '../../../shared/http/object-id.schema';
import { z } from '../../../shared/openapi/zod.openapi';
import { epcisCaptureSchema } from './epcis.capture';

export const epcisQuerySchema = z
  .strictObject({
    cylinderId: objectId.optional(),
    // Not z.coerce.date: it takes "0" for the year 2000 and rolls 2026-02-30 over into March.
    from: isoInstant.transform((s) => new Date(s)).optional().openapi({ type: 'string', format: 'date-time', description: 'eventTime ≥ from (ISO 8601 with a zone)' }),
    to: isoInstant.transform((s) => new Date(s)).optional().openapi({ type: 'string', format: 'date-time', description: 'eventTime < to (ISO 8601 with a zone)' }),
    limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ['to'], message: 'must be after from' });

export const epcisDocumentSchema = z
  .looseObject({
    '@context': z.array(z.unknown()),
    type: z.literal('EPCISDocument'),
    schemaVersion: z.literal('2.0'),
    creationDate: z.string(),
    epcisBody: z.object({ eventList: z.array(z.record(z.string(), z.unknown())) }),
  })
  .openapi('EPCISDocument', { description: 'EPCIS 2.0 JSON-LD document of ObjectEvents (GS1 EPCIS-JSON-Schema)' });

export type EpcisQuery = z.infer<typeof epcisQuerySchema>;

export { epcisCaptureSchema };
export type EpcisCapture = z.infer<typeof epcisCaptureSchema>;

const captureResult = z
  .object({
    eventID: z.string().nullable().openapi({ description: 'The EPCIS eventID of the ObjectEvent' }),
    epc: z.string().nullable().openapi({ description: 'The cylinder of that event this result is about (an event naming several cylinders has one result each)' }),
    eventId: z.string().optional().openapi({ description: 'The ledger event id: the urn:uuid itself, or a name-based UUID of eventID and EPC' }),
    status: z.enum(['accepted', 'duplicate', 'rejected']),
    reason: z.string().optional().openapi({ description: 'UNSUPPORTED_EVENT_TYPE, UNMAPPED_BIZSTEP, UNKNOWN_EPC, VALIDATION_FAILED, or any capture rejection (ILLEGAL_TRANSITION, CYLINDER_NOT_FOUND, …)' }),
    detail: z.string().optional(),
    logSeq: z.number().int().optional(),
    hash: z.string().optional(),
  })
  .openapi('EpcisCaptureResult');

export const captureReportSchema = z
  .object({ accepted: z.number().int(), duplicate: z.number().int(), rejected: z.number().int(), results: z.array(captureResult) })
  .openapi('EpcisCaptureReport');
export type CaptureReport = z.infer<typeof captureReportSchema>;
