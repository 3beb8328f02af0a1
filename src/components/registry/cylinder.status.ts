/** A cylinder's registry status, derived when read from its dates and scrapping. */
export const CYLINDER_STATUSES = ['in_service', 'overdue_inspection', 'past_service_life', 'scrapped'] as const;
export type CylinderStatus = (typeof CYLINDER_STATUSES)[number];

export interface CylinderDates {
  nextInspectionDate: Date;
  serviceLifeEndsAt: Date;
  scrappedAt?: Date | null;
}

/** Scrapping is final; past its design life a cylinder must be scrapped even if inspected. */
export function cylinderStatus(cylinder: CylinderDates, now: Date): CylinderStatus {
  if (cylinder.scrappedAt && cylinder.scrappedAt <= now) return 'scrapped';
  if (cylinder.serviceLifeEndsAt <= now) return 'past_service_life';
  if (cylinder.nextInspectionDate <= now) return 'overdue_inspection';
  return 'in_service';
}

/** The same rule as a query over the stored dates. */
export function cylinderStatusFilter(status: CylinderStatus, now: Date): Record<string, unknown> {
  const notScrapped = { $or: [{ scrappedAt: null }, { scrappedAt: { $gt: now } }] };
  switch (status) {
    case 'scrapped':
      return { scrappedAt: { $lte: now } };
    case 'past_service_life':
      return { $and: [notScrapped, { serviceLifeEndsAt: { $lte: now } }] };
    case 'overdue_inspection':
      return { $and: [notScrapped, { serviceLifeEndsAt: { $gt: now } }, { nextInspectionDate: { $lte: now } }] };
    case 'in_service':
      return { $and: [notScrapped, { serviceLifeEndsAt: { $gt: now } }, { nextInspectionDate: { $gt: now } }] };
  }
}
