import { z } from '../../../shared/openapi/zod.openapi';

export const epcisQuerySchema = z
  .strictObject({
    cylinderId: z.string().min(1).max(64).optional(),
    from: z.coerce.date().optional().openapi({ format: 'date-time', description: 'eventTime ≥ from' }),
    to: z.coerce.date().optional().openapi({ format: 'date-time', description: 'eventTime < to' }),
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
