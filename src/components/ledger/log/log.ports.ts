import type { Principal } from '../../auth';
import type { EventRange, LedgerEvent, ProjectedHead } from '..';

/**
 * What the log and the exports read from the ledger core: the ledger itself (its index.ts offers
 * each of these), or a fake in tests. Never writes: events are append-only.
 */
export interface LedgerEventSource {
  /** Events with logSeq > afterLogSeq (all when undefined), in logSeq order, at most `limit`. */
  eventsInAppendOrder(afterLogSeq: number | undefined, limit: number): Promise<LedgerEvent[]>;
  /** A cylinder's whole chain, oldest first (cylinderSeq 0, 1, ...). */
  cylinderChain(cylinderId: string): Promise<LedgerEvent[]>;
  /** The same chain read as it is consumed: a 100,000-event chain is never held at once. */
  streamCylinderChain(cylinderId: string): AsyncIterable<LedgerEvent>;
  /** What the ledger's projection says the chain ends in; null before commissioning. */
  cylinderProjection(cylinderId: string): Promise<ProjectedHead | null>;
  /** Events in a time range (occurredAt), optionally of one cylinder, in logSeq order. */
  eventsBetween(query: EventRangeQuery): Promise<LedgerEvent[]>;
  eventsByIds(eventIds: readonly string[]): Promise<LedgerEvent[]>;
}

/** Events in a time range (occurredAt); the ledger's `EventRange`. */
export type EventRangeQuery = EventRange;

/** Whether the caller may see this cylinder's records (registry scope); false reads as 404. */
export type CylinderVisibility = (principal: Principal, cylinderId: string) => Promise<boolean>;
