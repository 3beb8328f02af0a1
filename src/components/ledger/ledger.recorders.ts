import { authorize, can, ROLES, type Principal, type Role } from '../auth';
import type { EventActor, EventType } from './ledger.contract';
import type { Resolved } from './ledger.references';

/**
 * Who may record which event. A periodic inspection moves a cylinder's inspection dates, so it is
 * the inspection body's act, not the owner's: the permission table's `periodic_inspections` /
 * `create` (regulators, until inspection bodies are registered) — a district regulator only for a
 * cylinder of its district. Every other event is the owner's staff's (`events` / `create`). The
 * same rule for POST /events, the batch and EPCIS capture: all three resolve through here.
 */
export const RECORDER_REASONS = {
  INSPECTION_NOT_PERMITTED: 'periodic_inspection is recorded by an inspection body: a city regulator, or the district regulator of the cylinder\'s district',
  EVENT_NOT_PERMITTED: 'a regulator records periodic_inspection only; custody events are recorded by the cylinder owner\'s staff',
} as const;

const resourceFor = (type: EventType) => (type === 'periodic_inspection' ? 'periodic_inspections' : 'events');
const asRole = (role: string | undefined): Role | undefined => ROLES.find((r) => r === role);

/** 403 unless the caller may record some event: its own custody events, or periodic inspections. */
export function authorizeCapture(principal: Principal): void {
  if (!can(principal.role, 'periodic_inspections', 'create')) authorize(principal, 'events', 'create');
}

/** The resolved references, or a refusal when the actor may not record this event for this cylinder. */
export function withRecorderRule(type: EventType, actor: EventActor, resolved: Resolved): Resolved {
  if (resolved.rejection || !resolved.cylinder) return resolved;
  const role = asRole(actor.role);
  // A device (a filling scale) records what its enterprise's staff may: fills, never inspections.
  if (!role) return type === 'periodic_inspection' ? refuse(resolved, 'INSPECTION_NOT_PERMITTED') : resolved;
  if (!can(role, resourceFor(type), 'create')) return refuse(resolved, type === 'periodic_inspection' ? 'INSPECTION_NOT_PERMITTED' : 'EVENT_NOT_PERMITTED');
  if (actor.districtCode && resolved.cylinder.districtCode !== actor.districtCode) {
    // Another district's cylinder is "not found", exactly like another enterprise's for its staff.
    return { rejection: { reason: 'CYLINDER_NOT_FOUND', detail: 'no such cylinder in the district' } };
  }
  return resolved;
}

function refuse(resolved: Resolved, reason: keyof typeof RECORDER_REASONS): Resolved {
  return { ...resolved, rejection: { reason, detail: RECORDER_REASONS[reason] } };
}

