import { z } from '../../../shared/openapi/zod.openapi';
import { cursorQuery } from '../../../shared/http/page.cursor';
import { isoDate, objectId, text } from '../registry.schemas';
import { nominalKg, serial } from './cylinders.schemas';

/** Why a regulator acts: required, kept in the audit trail. */
const reason = text(500).openapi({ description: 'Why: kept in the audit trail', example: '钢印复核：设计使用年限应为8年' });

/** A regulator's correction of a cylinder's stamped facts: at least one fact, always a reason. */
export const cylinderCorrection = z
  .strictObject({
    serial: serial.optional(),
    manufacturer: text(100).optional(),
    manufactureDate: isoDate.optional(),
    nominalKg: nominalKg.optional(),
    designLifeYears: z.number().int().min(1).max(30).optional(),
    reason,
  })
  .refine((c) => ['serial', 'manufacturer', 'manufactureDate', 'nominalKg', 'designLifeYears'].some((k) => k in c), {
    path: ['serial'],
    message: 'at least one of serial, manufacturer, manufactureDate, nominalKg, designLifeYears is required',
  })
  .openapi('CylinderCorrection');

export const transferRequestInput = z
  .strictObject({
    fillingSiteId: objectId.openapi({ description: 'The filling station of the same enterprise the cylinder is to be registered to' }),
    reason,
  })
  .openapi('CylinderTransferRequestInput');

export const transferApproval = z.strictObject({ reason: reason.optional() }).openapi('CylinderTransferApproval');
export const transferRejection = z.strictObject({ reason }).openapi('CylinderTransferRejection');

export const TRANSFER_STATUSES = ['pending', 'approved', 'rejected'] as const;

export const transferQuery = z.strictObject({
  status: z.enum(TRANSFER_STATUSES).optional(),
  cylinderId: objectId.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
});

export const transferParams = z.strictObject({ id: objectId, requestId: objectId });

const decision = z.object({ userId: z.string(), username: z.string(), role: z.string() });

export const transferView = z
  .object({
    id: z.string(),
    cylinderId: z.string(),
    enterpriseId: z.string(),
    districtCode: z.string().openapi({ description: 'The cylinder\'s district when requested: its regulator decides' }),
    fromSiteId: z.string(),
    toSiteId: z.string(),
    toDistrictCode: z.string(),
    reason: z.string(),
    status: z.enum(TRANSFER_STATUSES),
    requestedBy: decision,
    requestedAt: z.string(),
    decidedBy: decision.optional(),
    decidedAt: z.string().optional(),
    decisionReason: z.string().optional(),
  })
  .openapi('CylinderTransferRequest');

export type CylinderCorrection = z.infer<typeof cylinderCorrection>;
export type TransferQuery = z.infer<typeof transferQuery>;
export type TransferView = z.infer<typeof transferView>;
