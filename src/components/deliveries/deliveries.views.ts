import type { CollisionDoc, HazardDoc, VisitDoc } from './deliveries.model';
import { SAFETY_ITEMS } from './safety-check.items';

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

/** JSON shape of a recorded flow (the content it was compared by stays inside). */
export function visitView(v: VisitDoc, extra?: { collisions?: readonly string[]; hazards?: number; status?: string }): Record<string, unknown> {
  return {
    id: v._id.toHexString(),
    visitId: v.visitId,
    kind: v.kind,
    enterpriseId: v.enterpriseId.toHexString(),
    districtCode: v.districtCode,
    workerId: v.workerId,
    occurredAt: v.occurredAt.toISOString(),
    receivedAt: v.receivedAt.toISOString(),
    source: v.source,
    status: v.status,
    ...(v.customerId ? { customerId: v.customerId } : {}),
    ...(v.siteId ? { siteId: v.siteId } : {}),
    ...(v.vehicleId ? { vehicleId: v.vehicleId } : {}),
    events: v.events,
    ...(v.confirmation ? { confirmation: v.confirmation } : {}),
    ...(v.checkId ? { checkId: v.checkId } : {}),
    ...(extra?.hazards !== undefined && v.checkId ? { hazards: extra.hazards } : {}),
    ...(extra?.collisions && extra.collisions.length > 0 ? { collisions: [...extra.collisions] } : {}),
    ...(extra?.status === 'duplicate' ? { duplicate: true } : {}),
  };
}

export function collisionView(c: CollisionDoc): Record<string, unknown> {
  return {
    id: c._id.toHexString(),
    enterpriseId: c.enterpriseId.toHexString(),
    districtCode: c.districtCode,
    visitId: c.visitId,
    workerId: c.workerId,
    cylinderId: c.cylinderId,
    eventId: c.eventId,
    role: c.role,
    type: String(c.event.type ?? ''),
    occurredAt: c.occurredAt.toISOString(),
    detectedAt: c.detectedAt.toISOString(),
    reason: c.reason,
    detail: c.detail,
    conflictsWith: c.conflictsWith ? { ...c.conflictsWith, occurredAt: c.conflictsWith.occurredAt.toISOString() } : null,
    status: c.status,
    ...(c.resolution ? { resolution: { ...c.resolution, at: c.resolution.at.toISOString() } } : {}),
  };
}

export function hazardView(h: HazardDoc): Record<string, unknown> {
  return {
    id: h._id.toHexString(),
    checkId: h.checkId,
    item: h.item,
    itemName: SAFETY_ITEMS[h.item].zh,
    customerId: h.customerId,
    enterpriseId: h.enterpriseId.toHexString(),
    districtCode: h.districtCode,
    deadline: h.deadline.toISOString(),
    status: h.status,
    foundAt: h.foundAt.toISOString(),
    ...(h.note ? { note: h.note } : {}),
    ...(h.closedAt ? { closedAt: iso(h.closedAt) } : {}),
    ...(h.closedByCheckId ? { closedByCheckId: h.closedByCheckId } : {}),
  };
}
