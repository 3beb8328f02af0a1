import { Types } from 'mongoose';
import { authorize, scopeFilter, type Principal } from '../auth';
import { actorOf, REJECTION_REASONS, type Ledger } from '../ledger';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { AppError } from '../../shared/errors/app.error';
import { afterPosition, type Page, type PageCursors } from '../../shared/http/page.cursor';
import type { CollisionDoc, HazardDoc } from './deliveries.model';
import type { DeliveriesRepository, Filter } from './deliveries.repository';
import { resolutionInput, type CollisionsQuery, type HazardsQuery } from './deliveries.schemas';
import { collisionView, hazardView } from './deliveries.views';
import type { SafetyItem } from './safety-check.items';

export interface SupervisionDeps {
  transaction: UnitOfWork;
  repo: DeliveriesRepository;
  ledger: Pick<Ledger, 'prepareAppend' | 'appendPrepared' | 'withAppendRetries' | 'eventIds'>;
  cursors: PageCursors;
  now: () => Date;
}

/** Collisions newest first by device time, hazards soonest deadline first; the _id breaks ties. */
const COLLISIONS = { name: 'delivery-collisions', sort: 'occurredAt', direction: -1 } as const;
const HAZARDS = { name: 'hazards', sort: 'deadline', direction: 1 } as const;

/** A hazard as other components read it (contract §4 of issue 13: the cases issue turns them into cases). */
export interface HazardRecord {
  id: string;
  checkId: string;
  item: SafetyItem;
  customerId: string;
  enterpriseId: string;
  districtCode: string;
  deadline: Date;
  status: 'open' | 'closed';
  /** When the check that found it took place (device time). */
  foundAt: Date;
}

export interface HazardFilter {
  enterpriseId?: string;
  districtCode?: string;
  customerId?: string;
  status?: 'open' | 'closed';
  /** Only those due before this instant (overdue ones: now). */
  deadlineBefore?: Date;
  /** Only these hazards / all but these (ids other components keep, e.g. those in a case). */
  ids?: readonly string[];
  excludeIds?: readonly string[];
  /** Strictly after this position of the order (deadline, then id): the next page of a listing. */
  after?: { deadline: Date; id: string };
  limit?: number;
}

const resolvedAlready = () => new AppError('COLLISION_RESOLVED', 409, 'The collision is resolved already', { detail: 'the collision was accepted or dismissed before; nothing changed' });

/**
 * What supervision does with the flows: the collision list an enterprise resolves and the
 * regulators see, and the hazards its safety checks found.
 *
 * Accepting a collision as a correction records, in one transaction and atomically, an error
 * declaration of the event the refused one collided with (the cylinder's last event when it was
 * refused) naming the refused event — recorded again under a new id — as its correction; the
 * ledger lets that correction take the declared event's place (ledger.decide.ts, `Correction`).
 * When the cylinder has moved on since, the ledger refuses it and the collision stays open.
 */
export function createSupervision(deps: SupervisionDeps) {
  async function collisions(principal: Principal, query: CollisionsQuery): Promise<Page<Record<string, unknown>>> {
    authorize(principal, 'delivery_collisions', 'read');
    const filters: Filter[] = [scopeFilter(principal, 'delivery_collisions')];
    if (query.status) filters.push({ status: query.status });
    if (query.cylinderId) filters.push({ cylinderId: query.cylinderId });
    if (query.cursor) filters.push(afterPosition(COLLISIONS, deps.cursors.decode(COLLISIONS, query.cursor)));
    const rows = await deps.repo.collisionsPage({ $and: filters }, query.limit + 1);
    const page = deps.cursors.page(rows, query.limit, COLLISIONS, (c) => ({ value: c.occurredAt, id: c._id.toHexString() }));
    return { items: page.items.map(collisionView), nextCursor: page.nextCursor };
  }

  async function openCollision(principal: Principal, id: string, body: unknown): Promise<{ collision: CollisionDoc; note: string }> {
    authorize(principal, 'delivery_collisions', 'update');
    const { note } = resolutionInput.parse(body ?? {});
    const found = await deps.repo.collisionOne({ $and: [scopeFilter(principal, 'delivery_collisions'), { _id: new Types.ObjectId(id) }] });
    if (!found) throw AppError.notFound(`no collision ${id}`);
    if (found.status !== 'open') throw resolvedAlready();
    return { collision: found, note };
  }

  async function accept(principal: Principal, id: string, body: unknown): Promise<Record<string, unknown>> {
    const { collision, note } = await openCollision(principal, id, body);
    const conflicting = collision.conflictsWith;
    if (!conflicting) throw new AppError('COLLISION_NOT_CORRECTABLE', 409, 'Nothing to correct', { detail: 'the cylinder had no event the refused one collided with; dismiss it, or record the event anew' });
    const scope = collision.enterpriseId.toHexString();
    const declarationId = deps.ledger.eventIds.derived(scope, `delivery/collision/${id}/declaration`);
    const correctionId = deps.ledger.eventIds.derived(scope, `delivery/collision/${id}/correction`);
    const declaration = {
      eventId: declarationId,
      cylinderId: collision.cylinderId,
      type: 'error_declaration',
      occurredAt: deps.now().toISOString(),
      payload: { declaredEventId: conflicting.eventId, reason: 'incorrect_data', correctiveEventIds: [correctionId], note: `collision ${id}: ${note}`.slice(0, 200) },
    };
    const { eventId: _refused, ...event } = collision.event;
    const prepared = await deps.ledger.prepareAppend([declaration, { ...event, eventId: correctionId }], actorOf(principal));
    const at = deps.now();
    const outcomes = await deps.ledger.withAppendRetries((attempt) =>
      deps.transaction(async (session) => {
        const [answers = []] = await deps.ledger.appendPrepared([{ prepared, atomic: true }], session, attempt);
        if (answers.every((a) => a.status !== 'rejected')) {
          const resolution = { by: principal.userId, at, note, declarationEventId: declarationId, correctionEventId: correctionId };
          if (!(await deps.repo.resolveCollision(collision._id, 'accepted', resolution, session))) throw resolvedAlready();
        }
        return answers;
      }),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected' && o.reason !== 'FLOW_INCOMPLETE');
    if (refused.length > 0) {
      const first = refused[0] as (typeof refused)[number];
      const info = (REJECTION_REASONS as Record<string, { status: number; en: string } | undefined>)[first.reason ?? ''];
      throw new AppError(first.reason ?? 'REJECTED', info?.status ?? 422, info?.en ?? 'Refused', {
        detail: `the correction is not recorded: ${first.detail ?? ''}`,
        reasons: refused.map((o) => ({ code: o.reason ?? 'REJECTED', detail: o.detail ?? '' })),
      });
    }
    return collisionView({ ...collision, status: 'accepted', resolution: { by: principal.userId, at, note, declarationEventId: declarationId, correctionEventId: correctionId } });
  }

  async function dismiss(principal: Principal, id: string, body: unknown): Promise<Record<string, unknown>> {
    const { collision, note } = await openCollision(principal, id, body);
    const resolution = { by: principal.userId, at: deps.now(), note };
    await deps.transaction(async (session) => {
      if (!(await deps.repo.resolveCollision(collision._id, 'dismissed', resolution, session))) throw resolvedAlready();
    });
    return collisionView({ ...collision, status: 'dismissed', resolution });
  }

  async function hazardList(principal: Principal, query: HazardsQuery): Promise<Page<Record<string, unknown>>> {
    authorize(principal, 'hazards', 'read');
    const filters: Filter[] = [scopeFilter(principal, 'hazards')];
    if (query.status) filters.push({ status: query.status });
    if (query.customerId) filters.push({ customerId: query.customerId });
    if (query.cursor) filters.push(afterPosition(HAZARDS, deps.cursors.decode(HAZARDS, query.cursor)));
    const rows = await deps.repo.hazardsPage({ $and: filters }, query.limit + 1);
    const page = deps.cursors.page(rows, query.limit, HAZARDS, (h) => ({ value: h.deadline, id: h._id.toHexString() }));
    return { items: page.items.map(hazardView), nextCursor: page.nextCursor };
  }

  /** Hazards for other components (unscoped: they apply their own), soonest deadline first. */
  async function hazards(filter: HazardFilter): Promise<HazardRecord[]> {
    const query: Filter = {};
    if (filter.enterpriseId) query.enterpriseId = new Types.ObjectId(filter.enterpriseId);
    if (filter.districtCode) query.districtCode = filter.districtCode;
    if (filter.customerId) query.customerId = filter.customerId;
    if (filter.status) query.status = filter.status;
    if (filter.deadlineBefore) query.deadline = { $lt: filter.deadlineBefore };
    const oids = (ids: readonly string[]) => ids.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
    const and: Filter[] = [query];
    if (filter.ids) and.push({ _id: { $in: oids(filter.ids) } });
    if (filter.excludeIds && filter.excludeIds.length > 0) and.push({ _id: { $nin: oids(filter.excludeIds) } });
    if (filter.after) and.push(afterPosition(HAZARDS, { value: filter.after.deadline, id: filter.after.id }));
    const rows = await deps.repo.hazardsFind(and.length === 1 ? query : { $and: and }, Math.max(1, Math.min(filter.limit ?? 1000, 10_000)));
    return rows.map(hazardRecord);
  }

  return { collisions, accept, dismiss, hazardList, hazards };
}

function hazardRecord(h: HazardDoc): HazardRecord {
  return { id: h._id.toHexString(), checkId: h.checkId, item: h.item, customerId: h.customerId, enterpriseId: h.enterpriseId.toHexString(), districtCode: h.districtCode, deadline: h.deadline, status: h.status, foundAt: h.foundAt };
}
