import { Types } from 'mongoose';
import { AppError } from '../../../shared/errors/app.error';
import { cylinderStatus, cylinderStatusFilter } from '../cylinder.status';
import type { RecordDefinition, WriteContext } from '../registry.definition';
import { defined, hex, iso, toDate, viewMeta } from '../registry.definition';
import type { StoredDoc } from '../registry.model';
import { addYears, type RegistryPolicy } from '../registry.policy';
import { fieldError, owningEnterprise } from '../registry.refs';
import { cylinderCreate, cylinderPatch, cylinderQuery, cylinderView, type CylinderCreate, type CylinderPatch, type CylinderQuery } from './cylinders.schemas';

/** A cylinder is registered to one filling station of its owner; its district is the station's. */
export async function fillingStation(siteId: string, enterpriseId: Types.ObjectId, ctx: WriteContext): Promise<StoredDoc> {
  const site = await ctx.refs.site(siteId, 'fillingSiteId');
  if (site.kind !== 'filling_station') throw fieldError('fillingSiteId', 'is not a filling station');
  if (!(site.enterpriseId instanceof Types.ObjectId) || !site.enterpriseId.equals(enterpriseId)) throw fieldError('fillingSiteId', 'belongs to another enterprise');
  return site;
}

/** The next periodic inspection: the last one (or manufacture) plus the policy's interval. */
export function nextInspection(manufactureDate: Date, lastInspectionDate: Date | undefined, policy: RegistryPolicy): Date {
  return addYears(lastInspectionDate ?? manufactureDate, policy.inspectionIntervalYears);
}

const sameDay = (given: string, stored: unknown) => stored instanceof Date && toDate(given).getTime() === stored.getTime();

/**
 * A commissioned cylinder (a GRAI bound, a ledger life) is no longer its owner's to restate: its
 * stamped design life is corrected by a regulator (POST /cylinders/{id}/corrections), its inspection
 * dates move with a periodic_inspection event, its filling station with an approved transfer request.
 * This holds for whoever PATCHes, so an import row (which goes through this same step) is held to it.
 * A field given with the value already registered is no change (an idempotent re-import). Before
 * commissioning the owner may still fix its own typos here.
 */
function refuseOwnerChangesOnceCommissioned(patch: CylinderPatch, existing: StoredDoc): void {
  if (!existing.grai) return;
  const refusals: { path: string; message: string; code: string }[] = [];
  if (patch.designLifeYears !== undefined && patch.designLifeYears !== existing.designLifeYears) {
    refusals.push({ code: 'STAMPED_FACT_LOCKED', path: 'designLifeYears', message: 'is a stamped fact of a commissioned cylinder: only a regulator corrects it, with a reason (POST /api/v1/cylinders/{id}/corrections)' });
  }
  if (patch.manufacturer !== undefined && patch.manufacturer !== existing.manufacturer) {
    refusals.push({ code: 'STAMPED_FACT_LOCKED', path: 'manufacturer', message: 'is a stamped fact of a commissioned cylinder: only a regulator corrects it, with a reason (POST /api/v1/cylinders/{id}/corrections)' });
  }
  if (patch.lastInspectionDate !== undefined && !sameDay(patch.lastInspectionDate, existing.lastInspectionDate)) {
    refusals.push({ code: 'INSPECTION_THROUGH_LEDGER', path: 'lastInspectionDate', message: 'moves only with a periodic_inspection event recorded by a regulator for a commissioned cylinder' });
  }
  if (patch.fillingSiteId !== undefined && patch.fillingSiteId !== hex(existing.fillingSiteId)) {
    refusals.push({ code: 'TRANSFER_NEEDS_APPROVAL', path: 'fillingSiteId', message: 'changes only by a transfer request a regulator approves (POST /api/v1/cylinders/{id}/transfer-requests) for a commissioned cylinder' });
  }
  const first = refusals[0];
  if (!first) return;
  // One stable code when one rule speaks (the common case), COMMISSIONED_CYLINDER_LOCKED when several do.
  const code = refusals.every((r) => r.code === first.code) ? first.code : 'COMMISSIONED_CYLINDER_LOCKED';
  throw new AppError(code, 409, 'The cylinder is commissioned', {
    detail: refusals.map((r) => `${r.path} ${r.message}`).join('; '),
    errors: refusals.map(({ path, message }) => ({ path, message })),
  });
}

export const cylindersRecord: RecordDefinition<CylinderCreate, CylinderPatch, CylinderQuery> = {
  resource: 'cylinders',
  noun: 'cylinder',
  createSchema: cylinderCreate,
  patchSchema: cylinderPatch,
  querySchema: cylinderQuery,
  viewSchema: cylinderView,
  enterpriseField: 'enterpriseId',
  districtField: 'districtCode',
  textFields: ['serial', 'grai'],
  async toStored(input, ctx) {
    const enterprise = await owningEnterprise(input.enterpriseId, ctx.principal, ctx.refs);
    const site = await fillingStation(input.fillingSiteId, enterprise._id, ctx);
    const manufactureDate = toDate(input.manufactureDate);
    const lastInspectionDate = input.lastInspectionDate ? toDate(input.lastInspectionDate) : undefined;
    if (manufactureDate > ctx.now) throw fieldError('manufactureDate', 'is in the future');
    if (lastInspectionDate && (lastInspectionDate < manufactureDate || lastInspectionDate > ctx.now)) throw fieldError('lastInspectionDate', 'must lie between manufacture and today');
    const designLifeYears = input.designLifeYears ?? ctx.policy.defaultDesignLifeYears;
    return defined({
      enterpriseId: enterprise._id,
      districtCode: site.districtCode,
      serial: input.serial.toUpperCase(),
      manufacturer: input.manufacturer,
      manufactureDate,
      nominalKg: input.nominalKg,
      model: `YSP-${input.nominalKg}`,
      tareKg: input.tareKg,
      fillingSiteId: site._id,
      lastInspectionDate,
      nextInspectionDate: nextInspection(manufactureDate, lastInspectionDate, ctx.policy),
      designLifeYears,
      serviceLifeEndsAt: addYears(manufactureDate, designLifeYears),
    });
  },
  async patchToStored(patch, existing, ctx) {
    // One truth (issue 9, defect 8): a commissioned cylinder has a ledger life, and only a scrap
    // event ends it (and closes this record in the same transaction). An uncommissioned one has no
    // ledger history and may still be closed here.
    if (patch.scrappedAt && existing.grai && !existing.scrappedAt) {
      throw new AppError('SCRAP_THROUGH_LEDGER', 409, 'Scrap through the ledger', {
        detail: 'The cylinder is commissioned: record its scrapping as a ledger event (POST /api/v1/events, type "scrap"), which closes this record too',
        errors: [{ path: 'scrappedAt', message: 'is set by the ledger\'s scrap event for a commissioned cylinder' }],
      });
    }
    refuseOwnerChangesOnceCommissioned(patch, existing);
    const manufactureDate = existing.manufactureDate as Date;
    const site = patch.fillingSiteId ? await fillingStation(patch.fillingSiteId, existing.enterpriseId as Types.ObjectId, ctx) : undefined;
    const lastInspectionDate = patch.lastInspectionDate ? toDate(patch.lastInspectionDate) : (existing.lastInspectionDate as Date | undefined);
    if (lastInspectionDate && (lastInspectionDate < manufactureDate || lastInspectionDate > ctx.now)) throw fieldError('lastInspectionDate', 'must lie between manufacture and today');
    const designLifeYears = patch.designLifeYears ?? (existing.designLifeYears as number);
    return defined({
      manufacturer: patch.manufacturer,
      tareKg: patch.tareKg,
      fillingSiteId: site?._id,
      districtCode: site?.districtCode,
      lastInspectionDate,
      nextInspectionDate: nextInspection(manufactureDate, lastInspectionDate, ctx.policy),
      designLifeYears,
      serviceLifeEndsAt: addYears(manufactureDate, designLifeYears),
      scrappedAt: patch.scrappedAt ? toDate(patch.scrappedAt) : undefined,
    });
  },
  filters: (query, now) => [
    ...(query.status ? [cylinderStatusFilter(query.status, now)] : []),
    ...(query.fillingSiteId ? [{ fillingSiteId: new Types.ObjectId(query.fillingSiteId) }] : []),
    ...(query.nominalKg ? [{ nominalKg: query.nominalKg }] : []),
  ],
  view: (doc, viewer) =>
    defined({
      ...viewMeta(doc),
      enterpriseId: hex(doc.enterpriseId),
      districtCode: doc.districtCode,
      serial: doc.serial,
      grai: doc.grai,
      manufacturer: doc.manufacturer,
      manufactureDate: iso(doc.manufactureDate),
      nominalKg: doc.nominalKg,
      model: doc.model,
      tareKg: doc.tareKg,
      fillingSiteId: hex(doc.fillingSiteId),
      lastInspectionDate: iso(doc.lastInspectionDate),
      nextInspectionDate: iso(doc.nextInspectionDate),
      designLifeYears: doc.designLifeYears,
      serviceLifeEndsAt: iso(doc.serviceLifeEndsAt),
      scrappedAt: iso(doc.scrappedAt),
      status: cylinderStatus(
        { nextInspectionDate: doc.nextInspectionDate as Date, serviceLifeEndsAt: doc.serviceLifeEndsAt as Date, scrappedAt: doc.scrappedAt as Date | undefined },
        viewer.now,
      ),
    }),
  naturalKey: (fields) => ({ enterpriseId: fields.enterpriseId, serial: fields.serial }),
  naturalKeyField: 'serial',
  closedReason: (existing) => (existing.scrappedAt ? 'cannot be changed: the cylinder is scrapped; its record is closed' : undefined),
};
