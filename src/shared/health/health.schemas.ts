import { z } from '../openapi/zod.openapi';

const dbInfoSchema = z.object({
  mode: z.enum(['external', 'embedded', 'memory-server']),
  engine: z.enum(['external', 'mongod', 'lpg-embedded']),
});

export const livenessSchema = z
  .object({
    status: z.literal('ok'),
    db: dbInfoSchema,
    version: z.string().openapi({ example: '0.1.0' }),
  })
  .openapi('Liveness');

export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    db: dbInfoSchema.extend({
      ok: z.boolean(),
      latencyMs: z.number().optional(),
      error: z.string().optional(),
    }),
    warnings: z
      .array(z.object({ component: z.string(), code: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'Ready, but something needs attention, e.g. LEDGER_LOG_INCIDENTS' }),
  })
  .openapi('Readiness');

export type Liveness = z.infer<typeof livenessSchema>;
export type Readiness = z.infer<typeof readinessSchema>;
