import { fillLimitOf, reasonInfo, type CylinderState, type FillLimits, type Ledger, type Rejection } from '../ledger';
import type { CredentialHolder, CylinderIdentity, Registry } from '../registry';
import { authorizeBody, type AuthorizeAnswer, type AuthorizeBody } from './device.api.schemas';
import type { DeviceRecord } from './device.repository';
import { readCode, type QrCodes } from './interlock.code';
import { decideFill, type InterlockCylinder, type InterlockFacts, type InterlockOperator } from './interlock.decide';
import type { InterlockRepository, NewDecision, StoredDecision } from './interlock.repository';
import type { ControlLock, ScaleControlsRepository } from './scale-controls.repository';
import type { ServiceStages } from './authorize.timing';

export interface InterlockDeps {
  registry: Pick<Registry, 'cylinderIdentity' | 'codes' | 'credentialHolders' | 'credentialHolderByCode' | 'policy'>;
  ledger: Pick<Ledger, 'cylinderState'>;
  qr: QrCodes;
  decisions: InterlockRepository;
  controls: Pick<ScaleControlsRepository, 'stationLock'>;
  fillLimits: FillLimits;
  authorizationTtlMs: number;
  now: () => Date;
}

/** A reason as the scale is answered: the stable code, its message in both languages, the detail. */
export function reasonAnswer(r: Pick<Rejection, 'reason' | 'detail'>): AuthorizeAnswer['reasons'][number] {
  // Every code answered here is in the one reason table (reasonInfo is the table's, with a fallback that never shows).
  const info = reasonInfo(r.reason);
  return { code: r.reason, message: { zh: info.zh, en: info.en }, detail: r.detail };
}

export function authorizationAnswer(d: StoredDecision): AuthorizeAnswer {
  const allowed = d.decision === 'allow';
  return {
    decision: d.decision,
    reasons: d.reasons.map(reasonAnswer),
    decisionId: d._id.toHexString(),
    authorizationId: allowed ? d._id.toHexString() : null,
    expiresAt: allowed && d.expiresAt ? d.expiresAt.toISOString() : null,
    cylinder: d.cylinder ? { grai: d.cylinder.grai ?? null, serial: d.cylinder.serial, model: d.cylinder.model, nominalKg: d.cylinder.nominalKg, tareKg: d.cylinder.tareKg ?? null } : null,
    targetNetKg: d.targetNetKg ?? null,
    maxGrossKg: d.maxGrossKg ?? null,
  };
}

const toInterlockCylinder = (c: CylinderIdentity): InterlockCylinder => ({
  id: c.id,
  ...(c.grai ? { grai: c.grai } : {}),
  serial: c.serial,
  model: c.model,
  nominalKg: c.nominalKg,
  ...(c.tareKg !== undefined ? { tareKg: c.tareKg } : {}),
  enterpriseId: c.enterpriseId,
  fillingSiteId: c.fillingSiteId,
  nextInspectionDate: c.nextInspectionDate,
  serviceLifeEndsAt: c.serviceLifeEndsAt,
  ...(c.scrappedAt ? { scrappedAt: c.scrappedAt } : {}),
});

export type InterlockService = ReturnType<typeof createInterlockService>;

/** A device as the interlock's reads need it: its id and where it is registered. */
type Home = Pick<DeviceRecord, 'id' | 'siteId' | 'enterpriseId'>;

const READS = Symbol('interlock fact reads');

/** What readFacts read for one authorize request (marked, so a prefetch is recognised as the interlock's own). */
interface FactReads {
  [READS]: true;
  deviceId: string;
  body: AuthorizeBody;
  earlier: StoredDecision | null;
  cylinder: CylinderIdentity | undefined;
  signature: InterlockFacts['signature'];
  projection: Awaited<ReturnType<Ledger['cylinderState']>>;
  operator: InterlockOperator | undefined;
  site: CredentialHolder | undefined;
  enterprise: CredentialHolder | undefined;
  stationLock: ControlLock | null;
  /** The position taken for this request's decision beside the reads (storing it is then one insert); it must be stored or released. */
  seq?: number;
}

const isFactReads = (value: unknown): value is FactReads => typeof value === 'object' && value !== null && READS in value;

/**
 * Asks the interlock (interlock.decide.ts) on a scale's behalf: reads every fact it decides on
 * (the cylinder the code names, its ledger state, the station's and its enterprise's licences, the
 * operator and the certificate, the locks), fresh for every request and all at once, decides,
 * stores the decision (allow or deny) and answers it. A resent request (same requestId) gets its
 * first decision.
 */
export function createInterlockService(deps: InterlockDeps) {
  const { registry } = deps;

  async function cylinderOf(device: Pick<Home, 'enterpriseId'>, code: string): Promise<{ cylinder?: CylinderIdentity; signature: InterlockFacts['signature'] }> {
    const read = readCode(code, deps.qr);
    if (read.kind === 'grai') {
      const cylinder = await registry.cylinderIdentity({ grai: read.grai });
      return { ...(cylinder ? { cylinder } : {}), signature: read.signature };
    }
    if (read.kind === 'serial') {
      // A serial is unique within an enterprise: the station's own (another's serial names nothing here).
      const id = (await registry.codes.idsByCode('cylinders', device.enterpriseId, [read.serial])).get(read.serial);
      const cylinder = id ? await registry.cylinderIdentity({ id }) : undefined;
      return { ...(cylinder ? { cylinder } : {}), signature: 'none' };
    }
    return { signature: 'none' };
  }

  async function operatorOf(device: Pick<Home, 'enterpriseId'>, code: string): Promise<InterlockOperator | undefined> {
    // One indexed read (enterprise, staff number) with the certificate: the operator's branch is one round trip deep.
    const worker = await registry.credentialHolderByCode('workers', device.enterpriseId, code);
    if (!worker) return undefined;
    return {
      workerId: worker.id,
      enterpriseId: worker.enterpriseId,
      ...(worker.siteId ? { siteId: worker.siteId } : {}),
      role: worker.role ?? 'other',
      active: worker.active,
      ...(worker.credentials.certificate ? { certificate: worker.credentials.certificate } : {}),
    };
  }

  /** The cylinder and, chained right after it, its ledger state: one branch of the parallel reads. */
  async function cylinderWithState(device: Home, code: string) {
    const found = await cylinderOf(device, code);
    const projection = found.cylinder ? await deps.ledger.cylinderState(found.cylinder.id) : null;
    return { ...found, projection };
  }

  /**
   * Every read an authorize decides on, at once; none depends on the device record itself (its
   * status and lock come from authentication's read), so they may start while it runs. The deepest
   * branch is two round trips (code → cylinder → its ledger state).
   */
  async function readFacts(device: Home, body: AuthorizeBody, forRequest: boolean): Promise<FactReads> {
    // A request to be decided and stored (not judgeNow) also looks for its first decision and takes its position.
    const position = forRequest ? deps.decisions.reserve() : undefined;
    // Awaited after the reads; until then its rejection must not go unhandled.
    position?.catch(() => undefined);
    try {
      const [earlier, { cylinder, signature, projection }, operator, sites, enterprises, stationLock] = await Promise.all([
        // A resent request is rare: look for its first decision while the facts are read, not before.
        forRequest ? deps.decisions.byRequest(device.id, body.requestId) : null,
        cylinderWithState(device, body.code),
        operatorOf(device, body.operator),
        registry.credentialHolders('sites', [device.siteId]),
        registry.credentialHolders('enterprises', [device.enterpriseId]),
        deps.controls.stationLock(device.siteId),
      ]);
      const seq = position ? await position : undefined;
      return { [READS]: true, deviceId: device.id, body, earlier, cylinder, signature, projection, operator, site: sites.get(device.siteId), enterprise: enterprises.get(device.enterpriseId), stationLock, ...(seq !== undefined ? { seq } : {}) };
    } catch (error) {
      if (position) releaseLater(position);
      throw error;
    }
  }

  /** Gives back a position taken for a decision that will not be stored (best effort: a lost release is a hole readers skip after GAP_GRACE_MS). */
  function releaseLater(position: Promise<number | undefined>): void {
    position.then((seq) => (seq === undefined ? undefined : deps.decisions.release(seq))).catch(() => undefined);
  }

  function assemble(device: DeviceRecord, reads: FactReads, at: Date): InterlockFacts {
    const { body, cylinder, site, enterprise, operator, stationLock } = reads;
    return {
      at,
      signature: reads.signature,
      ...(cylinder ? { cylinder: toInterlockCylinder(cylinder) } : {}),
      state: (reads.projection?.state ?? 'unregistered') as CylinderState,
      station: {
        id: device.siteId,
        enterpriseId: device.enterpriseId,
        active: site?.active ?? false,
        ...(site?.credentials.licence ? { licence: site.credentials.licence } : {}),
        ...(site?.credentials.fillingLicence ? { fillingLicence: site.credentials.fillingLicence } : {}),
      },
      enterprise: { id: device.enterpriseId, ...(enterprise?.credentials.licence ? { licence: enterprise.credentials.licence } : {}) },
      ...(operator ? { operator } : {}),
      operatorCode: body.operator,
      ...(body.checks ? { checks: body.checks } : {}),
      locks: { ...(device.lock ? { scale: device.lock } : {}), ...(stationLock ? { station: stationLock } : {}) },
      limit: fillLimitOf(deps.fillLimits, cylinder?.model, cylinder?.nominalKg),
      policy: registry.policy,
    };
  }

  async function facts(device: DeviceRecord, body: AuthorizeBody, at: Date): Promise<InterlockFacts> {
    return assemble(device, await readFacts(device, body, false), at);
  }

  /** The prefetched reads when they were made for this very request (same device, same body), else undefined. */
  async function prefetchedFor(device: DeviceRecord, body: AuthorizeBody, prefetched: Promise<unknown> | undefined): Promise<FactReads | undefined> {
    const reads = prefetched ? await prefetched : undefined;
    if (!isFactReads(reads)) return undefined;
    const same = reads.deviceId === device.id && reads.body.code === body.code && reads.body.operator === body.operator && reads.body.requestId === body.requestId && JSON.stringify(reads.body.checks) === JSON.stringify(body.checks);
    if (!same) releaseLater(Promise.resolve(reads.seq));
    return same ? reads : undefined;
  }

  /** Everything decideFill reads about the station, the enterprise and the locks (for the offline allowlist). */
  async function stationFacts(device: DeviceRecord) {
    const [sites, enterprises, stationLock] = await Promise.all([
      registry.credentialHolders('sites', [device.siteId]),
      registry.credentialHolders('enterprises', [device.enterpriseId]),
      deps.controls.stationLock(device.siteId),
    ]);
    const site = sites.get(device.siteId);
    const enterprise = enterprises.get(device.enterpriseId);
    return {
      station: {
        id: device.siteId,
        enterpriseId: device.enterpriseId,
        active: site?.active ?? false,
        ...(site?.credentials.licence ? { licence: site.credentials.licence } : {}),
        ...(site?.credentials.fillingLicence ? { fillingLicence: site.credentials.fillingLicence } : {}),
      },
      enterprise: { id: device.enterpriseId, ...(enterprise?.credentials.licence ? { licence: enterprise.credentials.licence } : {}) },
      locks: { ...(device.lock ? { scale: device.lock } : {}), ...(stationLock ? { station: stationLock } : {}) },
    };
  }

  /** Decides on the reads and stores the decision at the position they took. */
  async function decideAndStore(device: DeviceRecord, body: AuthorizeBody, reads: FactReads & { seq: number }, at: Date, started: number, stages: ServiceStages | undefined): Promise<AuthorizeAnswer> {
    const known = assemble(device, reads, at);
    const decided = stages ? performance.now() : 0;
    const verdict = decideFill(known);
    const c = known.cylinder;
    const decision: NewDecision = {
      kind: 'authorize',
      decision: verdict.decision,
      reasons: verdict.reasons,
      deviceId: device.id,
      siteId: device.siteId,
      enterpriseId: device.enterpriseId,
      districtCode: device.districtCode,
      ...(c ? { cylinderId: c.id, cylinder: { ...(c.grai ? { grai: c.grai } : {}), serial: c.serial, model: c.model, nominalKg: c.nominalKg, ...(c.tareKg !== undefined ? { tareKg: c.tareKg } : {}) } } : {}),
      code: body.code,
      operator: body.operator,
      ...(known.operator ? { operatorWorkerId: known.operator.workerId } : {}),
      requestId: body.requestId,
      at,
      ...(verdict.decision === 'allow' ? { expiresAt: new Date(at.getTime() + deps.authorizationTtlMs), usedByFillId: null } : {}),
      targetNetKg: verdict.targetNetKg,
      maxGrossKg: verdict.maxGrossKg,
      ...(body.checks ? { checks: body.checks } : {}),
    };
    const storing = stages ? performance.now() : 0;
    const stored = await deps.decisions.storeAt(reads.seq, decision);
    if (stages) {
      stages.factsMs = decided - started;
      stages.decideMs = storing - decided;
      stages.storeMs = performance.now() - storing;
    }
    return authorizationAnswer(stored);
  }

  return {
    /**
     * The verdict of a cylinder at this scale at `at`, its operator and pre-fill check taken as in
     * order (the offline allowlist: the scale learns those offline; they are judged on arrival).
     * Station facts are read once per `stationOf` promise (one allowlist, one read).
     */
    judgeOffline(device: DeviceRecord, cylinder: InterlockCylinder, state: CylinderState, at: Date, station: Awaited<ReturnType<typeof stationFacts>>) {
      const operatorInOrder: InterlockOperator = { workerId: 'offline', enterpriseId: device.enterpriseId, siteId: device.siteId, role: 'filling_operator', active: true, certificate: { number: 'offline', validFrom: new Date(0), validTo: new Date(8.64e15), verifiedAt: new Date(0) } };
      return decideFill({
        at,
        signature: 'valid',
        cylinder,
        state,
        ...station,
        operator: operatorInOrder,
        operatorCode: 'offline',
        checks: { valve: 'ok', leak: 'none', appearance: 'ok', residualKg: 0 },
        limit: fillLimitOf(deps.fillLimits, cylinder.model, cylinder.nominalKg),
        policy: registry.policy,
      });
    },
    stationFacts,
    /** What the interlock would answer this request now, without storing a decision (a fill made offline, judged on arrival). */
    async judgeNow(device: DeviceRecord, body: AuthorizeBody) {
      const known = await facts(device, body, deps.now());
      return { facts: known, verdict: decideFill(known) };
    },
    /** The cylinder a code names at this scale (a fill report's code is checked against its allow by it). */
    async cylinderOfCode(device: DeviceRecord, code: string): Promise<string | undefined> {
      return (await cylinderOf(device, code)).cylinder?.id;
    },
    async workerOfCode(device: DeviceRecord, code: string): Promise<string | undefined> {
      return (await operatorOf(device, code))?.workerId;
    },
    /**
     * Starts an authorize request's reads while it is being authenticated (DeviceAuthDeps.prefetch):
     * the body as sent, undefined when it is not a valid authorize body (the route then refuses it).
     */
    prefetch(device: Home, raw: unknown): Promise<unknown> {
      const parsed = authorizeBody.safeParse(raw);
      return parsed.success ? readFacts(device, parsed.data, true) : Promise.resolve(undefined);
    },
    /** A prefetch whose request failed authentication: the position it took is given back. */
    abandon(prefetched: Promise<unknown>): void {
      releaseLater(prefetched.then((reads) => (isFactReads(reads) ? reads.seq : undefined)));
    },
    /**
     * Decides and stores; uses the reads `prefetched` made for this request when there are, else
     * reads them now. `stages` (when given) gets the time of each step.
     */
    async authorize(device: DeviceRecord, body: AuthorizeBody, stages?: ServiceStages, prefetched?: Promise<unknown>): Promise<AuthorizeAnswer> {
      const at = deps.now();
      const started = stages ? performance.now() : 0;
      const reads = (await prefetchedFor(device, body, prefetched)) ?? (await readFacts(device, body, true));
      const { seq } = reads;
      if (seq === undefined) throw new Error('interlock: a request read without its position');
      if (reads.earlier) {
        await deps.decisions.release(seq);
        return authorizationAnswer(reads.earlier);
      }
      try {
        return await decideAndStore(device, body, { ...reads, seq }, at, started, stages);
      } catch (error) {
        releaseLater(Promise.resolve(seq));
        throw error;
      }
    },
  };

}
