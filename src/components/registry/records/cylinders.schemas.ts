import { z } from '../../../shared/openapi/zod.openapi';
import { CYLINDER_STATUSES } from '../cylinder.status';
import { isoDate, listQueryBase, objectId, recordMeta, text } from '../registry.schemas';

export const NOMINAL_KG = [5, 15, 50] as const;
export const nominalKg = z.union([z.literal(5), z.literal(15), z.literal(50)]).openapi({ description: 'Nominal fill: 5, 15 or 50 kg (YSP-5 / YSP-15 / YSP-50)' });
export const serial = z.string().trim().regex(/^[A-Za-z0-9-]{3,32}$/, 'must be 3–32 letters, digits or dashes').openapi({ description: 'Steel-stamp serial (钢印号)', example: 'QY2024-000123' });
// The GRAI is not an input here: it is bound for life by commissioning (src/components/qr) only.

export const cylinderCreate = z
  .strictObject({
    enterpriseId: objectId.optional(),
    serial,
    manufacturer: text(100),
    manufactureDate: isoDate,
    nominalKg,
    tareKg: z.number().positive().max(100),
    fillingSiteId: objectId.openapi({ description: 'The one filling station the cylinder is registered to; of the same enterprise' }),
    lastInspectionDate: isoDate.optional(),
    designLifeYears: z.number().int().min(1).max(30).optional(),
  })
  .openapi('CylinderCreate');

export const cylinderPatch = z
  .strictObject({
    manufacturer: text(100).optional(),
    tareKg: z.number().positive().max(100).optional(),
    fillingSiteId: objectId.optional(),
    lastInspectionDate: isoDate.optional(),
    designLifeYears: z.number().int().min(1).max(30).optional(),
    scrappedAt: isoDate.optional().openapi({ description: 'Scrapping is final: it cannot be undone. Only for a cylinder never commissioned: a commissioned one is scrapped by its ledger scrap event (else 409 SCRAP_THROUGH_LEDGER)' }),
  })
  .openapi('CylinderPatch');

export const cylinderQuery = z.strictObject({
  ...listQueryBase,
  sort: z.enum(['createdAt', 'serial', 'nextInspectionDate', 'updatedAt']).default('createdAt'),
  status: z.enum(CYLINDER_STATUSES).optional(),
  fillingSiteId: objectId.optional(),
  nominalKg: z.enum(['5', '15', '50']).transform(Number).optional(),
});

export const cylinderView = z
  .object({
    ...recordMeta,
    enterpriseId: z.string(),
    districtCode: z.string(),
    serial: z.string(),
    grai: z.string().optional(),
    manufacturer: z.string(),
    manufactureDate: z.string(),
    nominalKg,
    model: z.string().openapi({ example: 'YSP-15' }),
    tareKg: z.number(),
    fillingSiteId: z.string(),
    lastInspectionDate: z.string().optional(),
    nextInspectionDate: z.string(),
    designLifeYears: z.number(),
    serviceLifeEndsAt: z.string(),
    scrappedAt: z.string().optional(),
    status: z.enum(CYLINDER_STATUSES),
  })
  .openapi('Cylinder');

export type CylinderCreate = z.infer<typeof cylinderCreate>;
export type CylinderPatch = z.infer<typeof cylinderPatch>;
export type CylinderQuery = z.infer<typeof cylinderQuery>;
