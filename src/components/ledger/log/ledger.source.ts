import type { Connection } from 'mongoose';
import { AppError } from '../../../shared/errors/app.error';
import type { Registry } from '../../registry';
import type { ProjectedHead } from '../ledger.chain';
import type { LedgerEvent } from '../ledger.contract';
import type { CylinderVisibility, EventRangeQuery, LedgerEventSource } from './log.ports';

type EventReader = Pick<LedgerEventSource, 'eventsInAppendOrder'> & { cylinderState(cylinderId: string): Promise<ProjectedHead | null> };

const NO_ID = { projection: { _id: 0 } } as const;

/**
 * The log's view of the ledger core: its own `eventsInAppendOrder`, plus read-only queries on the
 * `events` collection for what the core does not export yet (a chain, a time range, by ids).
 * Reads only; every query runs on an index the core declares (cylinderId+cylinderSeq, eventId, logSeq).
 */
export function ledgerEventSource(connection: Connection, ledger: EventReader): LedgerEventSource {
  const events = () => connection.collection<LedgerEvent>('events');
  return {
    eventsInAppendOrder: (afterLogSeq, limit) => ledger.eventsInAppendOrder(afterLogSeq, limit),
    async cylinderChain(cylinderId) {
      return (await events().find({ cylinderId }, NO_ID).sort({ cylinderSeq: 1 }).toArray()) as LedgerEvent[];
    },
    streamCylinderChain(cylinderId) {
      return events().find({ cylinderId }, NO_ID).sort({ cylinderSeq: 1 }) as unknown as AsyncIterable<LedgerEvent>;
    },
    async cylinderProjection(cylinderId) {
      const projection = await ledger.cylinderState(cylinderId);
      return projection ? { headHash: projection.headHash, headEventId: projection.headEventId, state: projection.state, cylinderSeq: projection.cylinderSeq } : null;
    },
    async eventsBetween(query: EventRangeQuery) {
      const filter: Record<string, unknown> = {};
      if (query.cylinderId) filter.cylinderId = query.cylinderId;
      if (query.districtCode) filter.districtCode = query.districtCode;
      if (query.from || query.to) filter.occurredAt = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
      return (await events().find(filter, NO_ID).sort({ logSeq: 1 }).limit(query.limit).toArray()) as LedgerEvent[];
    },
    async eventsByIds(eventIds) {
      return (await events().find({ eventId: { $in: [...eventIds] } }, NO_ID).toArray()) as LedgerEvent[];
    },
  };
}

/** Registry scope: a cylinder the caller may not read answers 404, exactly like an unknown one. */
export function registryCylinderVisibility(registry: Pick<Registry, 'services'>): CylinderVisibility {
  return async (principal, cylinderId) => {
    try {
      await registry.services.cylinders.get(principal, cylinderId);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return false;
      throw error;
    }
  };
}
