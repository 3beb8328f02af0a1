import { objectId } from '../../shared/http/object-id.schema';
import { cursorQuery, pageSchema } from '../../shared/http/page.cursor';
import { z } from '../../shared/openapi/zod.openapi';

export const auditQuerySchema = z.strictObject({
  resource: z.string().regex(/^[a-z_]{1,40}$/).optional(),
  recordId: objectId.optional(),
  /** Newest first; pass the previous page's `nextCursor` to read older ones. */
  cursor: cursorQuery,
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const auditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string().openapi({ format: 'date-time' }),
    actor: z.object({ userId: z.string(), username: z.string(), role: z.string() }),
    action: z.string().openapi({ example: 'update' }),
    resource: z.string().openapi({ example: 'workers' }),
    recordId: z.string(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    reason: z.string().optional().openapi({ description: 'Why, for the acts that need a reason (credential decisions, a regulator\'s correction, a transfer decision)' }),
  })
  .openapi('AuditEntry');

export const auditPageSchema = pageSchema(auditEntrySchema, 'AuditPage');

export type AuditQuery = z.infer<typeof auditQuerySchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;
