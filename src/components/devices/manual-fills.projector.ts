import type { Ledger, LedgerEvent } from '../ledger';
import type { Registry } from '../registry';
import type { FillRecordsRepository, NewFillRecord } from './fill-records.repository';

/**
 * Fills recorded without a scale — through the user API or EPCIS capture while a regulator had the
 * station in manual mode (the ledger marks them `manual_mode`) — become filling records too, marked
 * `manual`, so that a station's, a day's or an operator's fills are still one indexed read
 * (fill-records.repository.ts). They are projected from the ledger in its append order, after
 * each commit, from a stored position: a restart or a second process reads on from there, and a
 * record is keyed by its event, so reading an event twice stores it once.
 */

export interface ProjectorPosition {
  get(): Promise<number | undefined>;
  set(logSeq: number): Promise<void>;
}

export interface ManualFillsDeps {
  ledger: Pick<Ledger, 'eventsInAppendOrder'>;
  records: Pick<FillRecordsRepository, 'store'>;
  registry: Pick<Registry, 'cylinderIdentity' | 'siteById' | 'credentialHolders'>;
  position: ProjectorPosition;
  /** A failed pass is retried on the next commit; it is only reported. */
  onError: (error: unknown) => void;
  batchSize?: number;
  /** How long after a commit the pass starts (commits close together share one). */
  delayMs?: number;
}

/** The city's calendar (UTC+8), as fill-report.service.ts counts a scale's fills. */
const cityDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export const isManualFill = (e: LedgerEvent) => e.type === 'fill' && Array.isArray(e.payload.anomalies) && (e.payload.anomalies as unknown[]).includes('manual_mode');

export function createManualFillsProjector(deps: ManualFillsDeps) {
  const batchSize = deps.batchSize ?? 500;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function recordOf(e: LedgerEvent): Promise<NewFillRecord> {
    const siteId = e.where.siteId ?? '';
    const workerId = e.actor.workerId;
    const [cylinder, site, holders, workers] = await Promise.all([
      deps.registry.cylinderIdentity({ id: e.cylinderId }),
      siteId ? deps.registry.siteById(siteId) : Promise.resolve(undefined),
      siteId ? deps.registry.credentialHolders('sites', [siteId]) : Promise.resolve(new Map()),
      workerId ? deps.registry.credentialHolders('workers', [workerId]) : Promise.resolve(new Map()),
    ]);
    const p = e.payload;
    const permittedNetKg = Number(p.permittedNetKg ?? 0);
    const netKg = Number(p.netKg);
    const licence = holders.get(siteId)?.credentials.fillingLicence?.number;
    const certificate = workerId ? workers.get(workerId)?.credentials.certificate?.number : undefined;
    const started = new Date(e.occurredAt.getTime() - Number(p.durationS ?? 0) * 1000);
    return {
      deviceId: null,
      fillId: e.eventId,
      sequence: e.logSeq,
      eventId: e.eventId,
      authorizationId: null,
      manual: true,
      cylinder: { id: e.cylinderId, ...(e.grai ? { grai: e.grai } : {}), serial: cylinder?.serial ?? '', model: cylinder?.model ?? '', nominalKg: cylinder?.nominalKg ?? 0, ...(cylinder?.tareKg !== undefined ? { registeredTareKg: cylinder.tareKg } : {}) },
      station: { id: siteId, ...(site ? { name: site.name } : {}), ...(licence ? { fillingLicenceNumber: licence } : {}) },
      enterpriseId: e.enterpriseId,
      districtCode: e.districtCode,
      scale: null,
      operator: { ...(workerId ? { workerId } : {}), ...(certificate ? { certificateNumber: certificate } : {}) },
      tareKg: Number(p.tareKg),
      grossKg: Number(p.grossKg),
      netKg,
      permittedNetKg,
      deviationKg: Math.round((netKg - permittedNetKg) * 100) / 100,
      anomalies: (p.anomalies as NewFillRecord['anomalies']) ?? ['manual_mode'],
      startedAt: started.toISOString(),
      endedAt: e.occurredAt.toISOString(),
      startedAtInstant: started,
      endedAtInstant: e.occurredAt,
      day: cityDay(e.occurredAt),
      receivedAt: e.receivedAt,
    };
  }

  async function pass(): Promise<void> {
    let after = await deps.position.get();
    for (;;) {
      const events = await deps.ledger.eventsInAppendOrder(after, batchSize);
      if (events.length === 0) return;
      for (const e of events.filter(isManualFill)) await deps.records.store(await recordOf(e));
      after = (events[events.length - 1] as LedgerEvent).logSeq;
      await deps.position.set(after);
      if (events.length < batchSize || stopped) return;
    }
  }

  /** One pass at a time; a request during a pass runs another after it. */
  function catchUp(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again && !stopped);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return {
    catchUp,
    /** Runs now the pass a commit scheduled, if any, and resolves once no pass is scheduled or running: every fill committed before is projected, and nothing of it is left to read later. */
    async settled(): Promise<void> {
      for (;;) {
        if (timer) {
          clearTimeout(timer);
          timer = undefined;
          void catchUp().catch(deps.onError);
        }
        if (!running) return;
        await running.catch(() => undefined);
      }
    },
    /** After a commit: a pass shortly (commits close together share it). */
    kick(): void {
      if (stopped || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        catchUp().catch(deps.onError);
      }, deps.delayMs ?? 200);
      timer.unref();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
