import { z } from '../../../shared/openapi/zod.openapi';
import { credentialInput, credentialPatch, credentialStatusSchema, credentialView, idNumber, listQueryBase, objectId, recordCode, recordMeta, text } from '../registry.schemas';

export const WORKER_ROLES = ['filling_operator', 'delivery_worker', 'other'] as const;

export const workerCreate = z
  .strictObject({
    enterpriseId: objectId.optional(),
    realName: text(50),
    staffNumber: recordCode.openapi({ description: 'Staff number (工号), unique within the enterprise: CSV imports may name the worker by it', example: 'W001' }),
    idNumber,
    role: z.enum(WORKER_ROLES),
    siteId: objectId.optional().openapi({ description: 'The site the worker works at; one of the employer\'s' }),
    certificate: credentialInput.optional().openapi({ description: 'Safety-training certificate (安全培训合格证)' }),
  })
  .openapi('WorkerCreate');

export const workerPatch = z
  .strictObject({
    realName: text(50).optional(),
    staffNumber: recordCode.optional(),
    role: z.enum(WORKER_ROLES).optional(),
    siteId: objectId.nullable().optional(),
    certificate: credentialPatch.optional(),
  })
  .openapi('WorkerPatch');

export const workerQuery = z.strictObject({
  ...listQueryBase,
  sort: z.enum(['createdAt', 'realName', 'staffNumber', 'updatedAt']).default('createdAt'),
  role: z.enum(WORKER_ROLES).optional(),
  siteId: objectId.optional(),
  status: credentialStatusSchema.optional().openapi({ description: 'Derived status of the safety-training certificate' }),
});

export const workerView = z
  .object({
    ...recordMeta,
    enterpriseId: z.string(),
    districtCode: z.string(),
    realName: z.string(),
    staffNumber: z.string().optional().openapi({ description: 'Staff number (工号)' }),
    idNumber: z.string().openapi({ example: '**************123X', description: 'Masked; the full number is never stored' }),
    role: z.enum(WORKER_ROLES),
    siteId: z.string().optional(),
    certificate: credentialView.optional(),
    certificateStatus: credentialStatusSchema,
  })
  .openapi('Worker');

export type WorkerCreate = z.infer<typeof workerCreate>;
export type WorkerPatch = z.infer<typeof workerPatch>;
export type WorkerQuery = z.infer<typeof workerQuery>;
