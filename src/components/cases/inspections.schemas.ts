import { objectId } from '../../shared/http/object-id.schema';
import { cursorQuery, pageSchema } from '../../shared/http/page.cursor';
import { z } from '../../shared/openapi/zod.openapi';
import { accountView, districtCode, isoDateTime, text } from './cases.schemas';
import { PREMISES_TYPES } from './inspections.checklists';
import { HAZARD_STATUSES } from './inspections.model';

const iso = z.string().openapi({ format: 'date-time' });
export const premisesType = z.enum(PREMISES_TYPES).openapi({ description: 'station 充装站 · supply_point 瓶装供应站 · restaurant 餐饮用户 (a business customer)' });

const item = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be 2–40 lowercase letters, digits or _, starting with a letter'),
  zh: text(200),
  en: text(200),
});

export const checklistParams = z.strictObject({ premisesType });
export const checklistBody = z
  .strictObject({
    items: z
      .array(item)
      .min(1)
      .max(60)
      .refine((items) => new Set(items.map((i) => i.code)).size === items.length, 'names an item code twice'),
  })
  .openapi('InspectionChecklistUpdate');

export const checklistView = z
  .object({ premisesType, version: z.number().int(), items: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })), updatedAt: iso, updatedBy: accountView.nullable() })
  .openapi('InspectionChecklist');

export const inspectionBody = z
  .strictObject({
    premises: z.strictObject({ type: premisesType, id: objectId }),
    checklistVersion: z.number().int().min(1),
    inspectedAt: isoDateTime,
    results: z
      .array(
        z
          .strictObject({
            code: z.string().min(1).max(40),
            passed: z.boolean(),
            note: text(1000).optional(),
            deadline: isoDateTime.optional().openapi({ description: 'When the hazard must be put right (after inspectedAt, in the future): required for a failed item' }),
          })
          .refine((r) => r.passed || r.deadline !== undefined, { path: ['deadline'], message: 'is required when the item failed' }),
      )
      .min(1)
      .max(60),
  })
  .openapi('InspectionCreate');
export type InspectionBody = z.infer<typeof inspectionBody>;

export const inspectionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
  district: districtCode.optional(),
  premisesType: premisesType.optional(),
});

export const inspectionView = z
  .object({
    id: z.string(),
    premises: z.object({ type: premisesType, id: z.string(), name: z.string(), district: z.string() }),
    checklistVersion: z.number().int(),
    inspectedAt: iso,
    inspector: accountView,
    results: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string(), passed: z.boolean(), note: z.string().nullable(), deadline: iso.nullable() })),
    hazardIds: z.array(z.string()),
  })
  .openapi('Inspection');
export type InspectionView = z.infer<typeof inspectionView>;
export const inspectionsPage = pageSchema(inspectionView, 'InspectionPage');

export const hazardsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
  status: z.enum(HAZARD_STATUSES).optional(),
  district: districtCode.optional(),
  source: z.enum(['inspection', 'household']).optional(),
});
export type HazardsQuery = z.infer<typeof hazardsQuery>;

export const hazardView = z
  .object({
    id: z.string(),
    source: z.enum(['inspection', 'household']),
    premises: z.object({ type: premisesType, id: z.string(), name: z.string() }).nullable(),
    customerId: z.string().nullable(),
    itemCode: z.string(),
    zh: z.string(),
    en: z.string(),
    deadline: iso.nullable(),
    status: z.enum(HAZARD_STATUSES),
    caseId: z.string().nullable(),
    district: z.string(),
    createdAt: iso,
  })
  .openapi('Hazard');
export type HazardView = z.infer<typeof hazardView>;
export const hazardsPage = pageSchema(hazardView, 'HazardPage');
