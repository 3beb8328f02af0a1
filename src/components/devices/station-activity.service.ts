import type { Page, PageCursors } from '../../shared/http/page.cursor';
import { authorize, type Principal } from '../auth';
import type { Registry } from '../registry';
import type { DeviceRepository } from './device.repository';
import type { FillRecordsRepository, FillTally } from './fill-records.repository';
import { CITY_UTC_OFFSET_MS, cityDay } from './fill-report.service';
import type { InterlockRepository, StoredDecision } from './interlock.repository';
import type { FillSummaryView, StationDecisionsQuery, StationDecisionView } from './station-activity.schemas';
import { stationInScope } from './station.scope';

export interface StationActivityDeps {
  registry: Pick<Registry, 'siteById'>;
  devices: Pick<DeviceRepository, 'atSite'>;
  decisions: Pick<InterlockRepository, 'atStation'>;
  records: Pick<FillRecordsRepository, 'daySummary'>;
  cursors: PageCursors;
  now: () => Date;
}

const DECISIONS = { name: 'station-decisions', sort: 'seq', direction: -1 } as const;
const DAY_MS = 86_400_000;
const kg = (n: number) => Math.round(n * 100) / 100;

/** The instants the city day `day` spans (UTC+8). */
function dayRange(day: string): { from: Date; to: Date } {
  const from = new Date(Date.parse(`${day}T00:00:00Z`) - CITY_UTC_OFFSET_MS);
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

export type StationActivityService = ReturnType<typeof createStationActivityService>;

/**
 * What a filling station's console watches: the interlock's answers to its scales (denials with
 * their reasons) and the day's fills counted per scale and per operator. Readers of fill records
 * read them, each for the stations of its scope only (another's station is "not found").
 */
export function createStationActivityService(deps: StationActivityDeps) {
  const scaleNames = async (siteId: string) => new Map((await deps.devices.atSite(siteId)).map((d) => [d.id, d.name]));

  const decisionView = (d: StoredDecision, names: Map<string, string>): StationDecisionView => ({
    id: d._id.toHexString(),
    seq: d.seq,
    kind: d.kind,
    decision: d.decision,
    reasons: d.reasons.map((r) => ({ code: r.reason, detail: r.detail })),
    scale: { id: d.deviceId, name: names.get(d.deviceId) ?? null },
    cylinder: { id: d.cylinderId ?? null, serial: d.cylinder?.serial ?? null, grai: d.cylinder?.grai ?? null },
    code: d.code,
    operator: d.operator,
    targetNetKg: d.targetNetKg ?? null,
    at: d.at.toISOString(),
  });

  const tallyView = (t: FillTally) => ({ fills: t.fills, netKg: kg(t.netKg), anomalous: t.anomalous, lastAt: t.lastAt.toISOString() });
  const mostFirst = <T extends { fills: number }>(rows: T[]) => rows.sort((a, b) => b.fills - a.fills);

  return {
    async decisions(principal: Principal, siteId: string, query: StationDecisionsQuery): Promise<Page<StationDecisionView>> {
      authorize(principal, 'fill_records', 'read');
      const site = await stationInScope(deps.registry, principal, siteId);
      const listing = { ...DECISIONS, name: `${DECISIONS.name}:${site.id}:${query.decision ?? ''}:${query.day ?? ''}` };
      const position = query.cursor ? deps.cursors.decode(listing, query.cursor) : undefined;
      const range = query.day ? dayRange(query.day) : {};
      const [rows, names] = await Promise.all([
        deps.decisions.atStation({
          siteId: site.id,
          ...(query.decision ? { decision: query.decision } : {}),
          ...range,
          ...(typeof position?.value === 'number' ? { beforeSeq: position.value } : {}),
          limit: query.limit + 1,
        }),
        scaleNames(site.id),
      ]);
      const page = deps.cursors.page(rows, query.limit, listing, (d) => ({ value: d.seq }));
      return { items: page.items.map((d) => decisionView(d, names)), nextCursor: page.nextCursor };
    },

    async fillSummary(principal: Principal, siteId: string, day?: string): Promise<FillSummaryView> {
      authorize(principal, 'fill_records', 'read');
      const site = await stationInScope(deps.registry, principal, siteId);
      const theDay = day ?? cityDay(deps.now());
      const [{ byScale, byOperator }, names] = await Promise.all([deps.records.daySummary(site.id, theDay), scaleNames(site.id)]);
      return {
        siteId: site.id,
        day: theDay,
        fills: byScale.reduce((n, t) => n + t.fills, 0),
        netKg: kg(byScale.reduce((n, t) => n + t.netKg, 0)),
        byScale: mostFirst(byScale.map((t) => ({ scaleId: t._id, name: names.get(t._id) ?? t.name ?? null, ...tallyView(t) }))),
        byOperator: mostFirst(byOperator.map((t) => ({ staffNumber: t._id, workerId: t.workerId ?? null, ...tallyView(t) }))),
      };
    },
  };
}
