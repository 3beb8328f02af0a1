import { randomUUID } from 'node:crypto';
import { eventHash } from '../../src/components/ledger/ledger.canonical';
import type { ProjectedHead } from '../../src/components/ledger/ledger.chain';
import type { EventType, LedgerEvent } from '../../src/components/ledger/ledger.contract';
import type { EventRangeQuery, LedgerEventSource } from '../../src/components/ledger/log';

/** One step of a cylinder's life: type, states, and the CBV / extension vocabulary the core stores. */
const STEPS: [EventType, LedgerEvent['fromState'], LedgerEvent['toState'], string, string][] = [
  ['commission', 'unregistered', 'empty_at_station', 'urn:epcglobal:cbv:bizstep:commissioning', 'urn:epcglobal:cbv:disp:active'],
  ['inspect', 'empty_at_station', 'inspected_at_station', 'urn:epcglobal:cbv:bizstep:inspecting', 'urn:epcglobal:cbv:disp:conformant'],
  ['fill', 'inspected_at_station', 'full_at_station', 'urn:lpg-trace:voc:bizstep:filling', 'urn:epcglobal:cbv:disp:sellable_not_accessible'],
  ['dispatch', 'full_at_station', 'in_transit', 'urn:epcglobal:cbv:bizstep:shipping', 'urn:epcglobal:cbv:disp:in_transit'],
  ['receive', 'in_transit', 'at_supply_point', 'urn:epcglobal:cbv:bizstep:receiving', 'urn:epcglobal:cbv:disp:sellable_accessible'],
  ['sell', 'at_supply_point', 'with_customer', 'urn:epcglobal:cbv:bizstep:retail_selling', 'urn:epcglobal:cbv:disp:retail_sold'],
  ['hand_over', 'at_supply_point', 'with_customer', 'urn:lpg-trace:voc:bizstep:handing_over', 'urn:epcglobal:cbv:disp:retail_sold'],
  ['return_empty', 'with_customer', 'empty_at_station', 'urn:epcglobal:cbv:bizstep:collecting', 'urn:epcglobal:cbv:disp:returned'],
  ['scrap', 'empty_at_station', 'scrapped', 'urn:epcglobal:cbv:bizstep:decommissioning', 'urn:epcglobal:cbv:disp:destroyed'],
];

/**
 * A ledger in memory, hashed and chained exactly as the core does (ledger.canonical's eventHash):
 * a stand-in for the `events` collection until tests run against the ledger core itself.
 */
export class MemoryLedger implements LedgerEventSource {
  readonly events: LedgerEvent[] = [];
  private clock = Date.parse('2025-03-01T08:00:00.000Z');

  /** Appends one event of `type` to the cylinder's chain (lifecycle legality is the core's job). */
  append(cylinderId: string, type: EventType, extra: Partial<LedgerEvent> = {}): LedgerEvent {
    const chain = this.events.filter((e) => e.cylinderId === cylinderId);
    const previous = chain[chain.length - 1];
    const step = STEPS.find((s) => s[0] === type) ?? [type, previous?.toState ?? 'unregistered', previous?.toState ?? 'unregistered', 'urn:epcglobal:cbv:bizstep:other', 'urn:epcglobal:cbv:disp:unknown'];
    this.clock += 60_000;
    const body: Omit<LedgerEvent, 'hash'> = {
      eventId: randomUUID(),
      logSeq: this.events.length,
      cylinderId,
      grai: `0614141000015${cylinderId.slice(-4).padStart(4, '0')}`,
      enterpriseId: 'e'.repeat(24),
      districtCode: '441802',
      type,
      occurredAt: new Date(this.clock),
      receivedAt: new Date(this.clock + 1_500),
      actor: { kind: 'worker', id: 'w'.repeat(24), enterpriseId: 'e'.repeat(24) },
      where: { siteId: 'a'.repeat(24) },
      payload: type === 'fill' ? { tareKg: 17.2, grossKg: 32.1, netKg: 14.9 } : {},
      bizStep: step[3],
      disposition: step[4],
      fromState: previous?.toState ?? step[1],
      toState: step[2],
      cylinderSeq: chain.length,
      prevHash: previous?.hash ?? null,
      ...extra,
    };
    const event: LedgerEvent = { ...body, hash: eventHash(body) };
    this.events.push(event);
    return event;
  }

  /** A whole round: commission → … → return, with `others` interleaved so logSeq ≠ cylinderSeq. */
  lifecycle(cylinderId: string, types: EventType[] = ['commission', 'inspect', 'fill', 'dispatch', 'receive', 'sell', 'return_empty']): LedgerEvent[] {
    return types.map((type) => this.append(cylinderId, type));
  }

  async eventsInAppendOrder(afterLogSeq: number | undefined, limit: number): Promise<LedgerEvent[]> {
    return this.events.filter((e) => afterLogSeq === undefined || e.logSeq > afterLogSeq).slice(0, limit);
  }

  async cylinderChain(cylinderId: string): Promise<LedgerEvent[]> {
    return this.events.filter((e) => e.cylinderId === cylinderId);
  }

  async *streamCylinderChain(cylinderId: string): AsyncIterable<LedgerEvent> {
    yield* this.events.filter((e) => e.cylinderId === cylinderId);
  }

  async cylinderProjection(cylinderId: string): Promise<ProjectedHead | null> {
    const last = this.events.filter((e) => e.cylinderId === cylinderId).at(-1);
    return last ? { headHash: last.hash, headEventId: last.eventId, state: last.toState, cylinderSeq: last.cylinderSeq } : null;
  }

  async eventsBetween(q: EventRangeQuery): Promise<LedgerEvent[]> {
    return this.events
      .filter((e) => (!q.cylinderId || e.cylinderId === q.cylinderId) && (!q.districtCode || e.districtCode === q.districtCode))
      .filter((e) => (!q.from || e.occurredAt >= q.from) && (!q.to || e.occurredAt < q.to))
      .slice(0, q.limit);
  }

  async eventsByIds(ids: readonly string[]): Promise<LedgerEvent[]> {
    return this.events.filter((e) => ids.includes(e.eventId));
  }
}
