import type { LedgerModels } from './ledger.model';
import type { CylinderState, EventType } from './ledger.contract';

/**
 * The ledger's aggregations for the KPIs and flow reconciliation (kpis component): indexed
 * aggregations the database runs, answering counts and groups, never the events themselves. Each
 * leading $match is answered from an index declared in ledger.model.ts ({type, occurredAt} with
 * the scope's district or enterprise in front).
 */

/** Whose events: a district's (the event's site, else its customer's, else the cylinder's district) or an enterprise's (the cylinder's owner). */
export interface EventScope {
  districtCode?: string;
  enterpriseId?: string;
}

export interface Period {
  from: Date;
  to: Date;
}

export interface SiteDayFills {
  siteId: string;
  /** The calendar day in the city's time zone (YYYY-MM-DD). */
  day: string;
  fills: number;
}

export interface HandOverConfirmations {
  enterpriseId: string;
  /** Sales and hand-overs the customer confirmed (confirmedByCustomer, or a confirmation method other than none). */
  confirmed: number;
  total: number;
}

/** One event of a cylinder's flow, as reconciliation reads it (no payload beyond what it needs). */
export interface FlowStep {
  type: EventType;
  at: Date;
  seq: number;
  /** The site of the event: where.siteId, or the payload's siteId (receive, return_empty). */
  siteId: string | null;
  workerId: string | null;
}

/** A cylinder's flow events in a window, oldest first. */
export interface CylinderFlow {
  cylinderId: string;
  enterpriseId: string;
  steps: FlowStep[];
}

/** The events reconciliation follows a filled cylinder by. */
export const FLOW_EVENT_TYPES: readonly EventType[] = ['fill', 'dispatch', 'receive', 'sell', 'hand_over', 'return_empty', 'report_lost', 'scrap'];

/** The city's time zone for day buckets: China Standard Time has no daylight saving time. */
export const CITY_UTC_OFFSET = '+08:00';

type Filter = Record<string, unknown>;

const scopeMatch = (scope: EventScope): Filter => ({
  ...(scope.districtCode ? { districtCode: scope.districtCode } : {}),
  ...(scope.enterpriseId ? { enterpriseId: scope.enterpriseId } : {}),
});

const typesIn = (types: readonly EventType[], period: Period, scope: EventScope): Filter => ({
  ...scopeMatch(scope),
  type: types.length === 1 ? types[0] : { $in: [...types] },
  occurredAt: { $gte: period.from, $lt: period.to },
});

export function createLedgerFigures(models: LedgerModels) {
  const events = models.events.collection;
  const states = models.states.collection;
  return {
    /** Fills per filling station and calendar day (city time) with occurredAt in the period. */
    async fillsPerSiteDay(scope: EventScope, period: Period): Promise<SiteDayFills[]> {
      const rows = await events
        .aggregate([
          { $match: typesIn(['fill'], period, scope) },
          { $group: { _id: { siteId: '$where.siteId', day: { $dateToString: { format: '%Y-%m-%d', date: '$occurredAt', timezone: CITY_UTC_OFFSET } } }, fills: { $sum: 1 } } },
        ])
        .toArray();
      return rows
        .map((r) => ({ siteId: String((r._id as { siteId?: unknown }).siteId ?? ''), day: String((r._id as { day: unknown }).day), fills: Number(r.fills) }))
        .sort((a, b) => a.day.localeCompare(b.day) || a.siteId.localeCompare(b.siteId));
    },

    /** Sales and hand-overs per owner enterprise in the period, and how many the customer confirmed. */
    async handOverConfirmations(scope: EventScope, period: Period): Promise<HandOverConfirmations[]> {
      const confirmed = {
        $cond: [{ $or: [{ $eq: ['$payload.confirmedByCustomer', true] }, { $in: ['$payload.confirmation.method', ['phone_last4', 'one_time_code', 'signature']] }] }, 1, 0],
      };
      const rows = await events
        .aggregate([{ $match: typesIn(['sell', 'hand_over'], period, scope) }, { $group: { _id: '$enterpriseId', confirmed: { $sum: confirmed }, total: { $sum: 1 } } }])
        .toArray();
      return rows.map((r) => ({ enterpriseId: String(r._id), confirmed: Number(r.confirmed), total: Number(r.total) })).sort((a, b) => a.enterpriseId.localeCompare(b.enterpriseId));
    },

    /**
     * Every cylinder's flow events (FLOW_EVENT_TYPES) with occurredAt in the window, grouped per
     * cylinder by the database and streamed one cylinder at a time: what reconciliation folds.
     */
    async *cylinderFlows(scope: Pick<EventScope, 'enterpriseId'>, window: Period): AsyncIterable<CylinderFlow> {
      const cursor = events.aggregate(
        [
          { $match: typesIn(FLOW_EVENT_TYPES, window, scope) },
          {
            $group: {
              _id: '$cylinderId',
              enterpriseId: { $first: '$enterpriseId' },
              steps: { $push: { type: '$type', at: '$occurredAt', seq: '$cylinderSeq', site: '$where.siteId', paySite: '$payload.siteId', worker: '$actor.workerId' } },
            },
          },
        ],
        // A year of a large city's flows outgrows mongod's 100 MB in-memory $group limit: let it spill.
        { batchSize: 1_000, allowDiskUse: true },
      );
      for await (const doc of cursor) {
        const steps = (doc.steps as { type: EventType; at: Date; seq: number; site?: string; paySite?: string; worker?: string }[])
          .map((s) => ({ type: s.type, at: s.at, seq: s.seq, siteId: s.site ?? s.paySite ?? null, workerId: s.worker ?? null }))
          .sort((a, b) => a.seq - b.seq);
        yield { cylinderId: String(doc._id), enterpriseId: String(doc.enterpriseId), steps };
      }
    },

    /** How many of these cylinders are in each state now (their projections, read by _id). */
    async stateCounts(cylinderIds: readonly string[]): Promise<Partial<Record<CylinderState, number>>> {
      if (cylinderIds.length === 0) return {};
      const rows = await states.aggregate([{ $match: { _id: { $in: [...cylinderIds] } } }, { $group: { _id: '$state', n: { $sum: 1 } } }]).toArray();
      return Object.fromEntries(rows.map((r) => [String(r._id), Number(r.n)]));
    },
  };
}

export type LedgerFigures = ReturnType<typeof createLedgerFigures>;
