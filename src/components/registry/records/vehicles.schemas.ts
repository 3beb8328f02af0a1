import { z } from '../../../shared/openapi/zod.openapi';
import { credentialInput, credentialPatch, credentialStatusSchema, credentialView, listQueryBase, objectId, plate, recordMeta } from '../registry.schemas';

export const VEHICLE_KINDS = ['cylinder_truck', 'van', 'tricycle', 'motorcycle', 'other'] as const;

export const vehicleCreate = z
  .strictObject({
    enterpriseId: objectId.optional(),
    plate,
    kind: z.enum(VEHICLE_KINDS),
    permit: credentialInput.optional().openapi({ description: 'Hazardous-goods road transport permit (危险货物道路运输许可)' }),
  })
  .openapi('VehicleCreate');

export const vehiclePatch = z.strictObject({ kind: z.enum(VEHICLE_KINDS).optional(), permit: credentialPatch.optional() }).openapi('VehiclePatch');

export const vehicleQuery = z.strictObject({
  ...listQueryBase,
  sort: z.enum(['createdAt', 'plate', 'updatedAt']).default('createdAt'),
  kind: z.enum(VEHICLE_KINDS).optional(),
  status: credentialStatusSchema.optional().openapi({ description: 'Derived status of the transport permit' }),
});

export const vehicleView = z
  .object({ ...recordMeta, enterpriseId: z.string(), districtCode: z.string(), plate: z.string(), kind: z.enum(VEHICLE_KINDS), permit: credentialView.optional(), permitStatus: credentialStatusSchema })
  .openapi('Vehicle');

export type VehicleCreate = z.infer<typeof vehicleCreate>;
export type VehiclePatch = z.infer<typeof vehiclePatch>;
export type VehicleQuery = z.infer<typeof vehicleQuery>;
