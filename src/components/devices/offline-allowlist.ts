import { createHmac } from 'node:crypto';
import type { Collection } from 'mongodb';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Principal } from '../auth';
import type { CylinderState, Ledger } from '../ledger';
import type { Registry } from '../registry';
import type { DeviceRecord } from './device.repository';
import type { InterlockCylinder, InterlockVerdict } from './interlock.decide';

/**
 * The offline allowlist (docs/device-protocol.md §5): a scale that asks in its heartbeat gets a
 * short-lived list, signed with its own key, of the cylinders of its station that pass the
 * interlock now and will until the list expires — so that, when its line drops, it may still fill
 * those (and only those) and upload the reports later. Every such report is judged again on
 * arrival: the interlock is asked as if the scale had asked then, and what it would deny now is
 * kept with the fill (fill-report.service.ts).
 *
 * Decisions made here once:
 * - At most MAX_ENTRIES cylinders, those registered to the station in the registry's order; a
 *   station with more gets the first MAX_ENTRIES that pass.
 * - Judged at the list's expiry, not its issue: a cylinder whose inspection falls due within the
 *   half hour is not on it. The operator is not judged (the scale learns who fills only offline);
 *   that, the pre-fill check and the state at the time of the fill are judged on arrival.
 * - A locked scale or station gets no list.
 * - The signature: lowercase hex HMAC-SHA256, keyed by the device secret's UTF-8 bytes as for a
 *   request, over `id \n deviceId \n expiresAt \n grai,grai,…` (the GRAIs in list order).
 */
export const ALLOWLIST_TTL_MS = 30 * 60_000;
export const MAX_ENTRIES = 2_000;

export interface AllowlistEntry {
  cylinderId: string;
  grai: string;
  serial: string;
  model: string;
  nominalKg: number;
  tareKg: number;
  targetNetKg: number;
  maxGrossKg: number;
}

export interface StoredAllowlist {
  _id: Types.ObjectId;
  deviceId: string;
  siteId: string;
  issuedAt: Date;
  expiresAt: Date;
  cylinderIds: string[];
}

export interface AllowlistAnswer {
  id: string;
  deviceId: string;
  siteId: string;
  issuedAt: string;
  expiresAt: string;
  cylinders: Omit<AllowlistEntry, 'cylinderId'>[];
  signature: string;
}

export function allowlistSigningString(list: Pick<AllowlistAnswer, 'id' | 'deviceId' | 'expiresAt' | 'cylinders'>): string {
  return [list.id, list.deviceId, list.expiresAt, list.cylinders.map((c) => c.grai).join(',')].join('\n');
}

export function signAllowlist(key: string, list: Pick<AllowlistAnswer, 'id' | 'deviceId' | 'expiresAt' | 'cylinders'>): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(allowlistSigningString(list), 'utf8').digest('hex');
}

const schema = new Schema<StoredAllowlist>({ deviceId: String }, { collection: 'offline_allowlists', versionKey: false, strict: false, autoCreate: true });
// Kept a day past expiry (late uploads name it), then swept.
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 86_400 });

export type AllowlistRepository = ReturnType<typeof createAllowlistRepository>;

export function createAllowlistRepository(connection: Connection) {
  const Allowlist = (connection.models.OfflineAllowlist as Model<StoredAllowlist> | undefined) ?? connection.model<StoredAllowlist>('OfflineAllowlist', schema);
  const lists = Allowlist.collection as unknown as Collection<StoredAllowlist>;
  return {
    init: async () => {
      await Allowlist.init();
    },
    insert: async (list: StoredAllowlist) => {
      await lists.insertOne(list);
    },
    byId: (id: string) => (Types.ObjectId.isValid(id) ? lists.findOne({ _id: new Types.ObjectId(id) }) : Promise.resolve(null)),
  };
}

interface CylinderListItem {
  id: string;
  grai?: string;
  serial: string;
  model: string;
  nominalKg: number;
  tareKg?: number;
  enterpriseId: string;
  fillingSiteId: string;
  nextInspectionDate: string;
  serviceLifeEndsAt: string;
  scrappedAt?: string | null;
}

export interface AllowlistDeps {
  registry: Pick<Registry, 'services'>;
  ledger: Pick<Ledger, 'cylinderStates'>;
  repository: AllowlistRepository;
  /** The interlock for this scale at `at` (station facts read once), judging everything but the operator. */
  judge(device: DeviceRecord, at: Date): Promise<(cylinder: InterlockCylinder, state: CylinderState) => Pick<InterlockVerdict, 'decision' | 'targetNetKg' | 'maxGrossKg'>>;
  keyOf(device: DeviceRecord): Promise<string>;
  now: () => Date;
}

export function createOfflineAllowlists(deps: AllowlistDeps) {
  /** The station's cylinders as the registry lists them, read for the device's enterprise only. */
  async function stationCylinders(device: DeviceRecord): Promise<CylinderListItem[]> {
    // The scale reads on its enterprise's behalf: the registry's own listing, scoped to the enterprise.
    const reader: Principal = { kind: 'user', userId: device.id, username: `device:${device.id}`, role: 'enterprise_admin', enterpriseId: device.enterpriseId };
    const items: CylinderListItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.registry.services.cylinders.list(reader, { fillingSiteId: device.siteId, status: 'in_service', active: true, order: 'asc', sort: 'createdAt', limit: 200, ...(cursor ? { cursor } : {}) } as never);
      items.push(...(page.items as unknown as CylinderListItem[]));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && items.length < 4 * MAX_ENTRIES);
    return items;
  }

  return {
    async issue(device: DeviceRecord): Promise<AllowlistAnswer> {
      const issuedAt = deps.now();
      const expiresAt = new Date(issuedAt.getTime() + ALLOWLIST_TTL_MS);
      const listed = (await stationCylinders(device)).filter((c) => c.grai);
      const states = new Map((await deps.ledger.cylinderStates(listed.map((c) => c.id))).map((p) => [p.cylinderId, p.state]));
      const judge = await deps.judge(device, expiresAt);
      const entries: AllowlistEntry[] = [];
      for (const c of listed) {
        if (entries.length >= MAX_ENTRIES) break;
        const cylinder: InterlockCylinder = {
          id: c.id,
          serial: c.serial,
          model: c.model,
          nominalKg: c.nominalKg,
          enterpriseId: c.enterpriseId,
          fillingSiteId: c.fillingSiteId,
          nextInspectionDate: new Date(c.nextInspectionDate),
          serviceLifeEndsAt: new Date(c.serviceLifeEndsAt),
          ...(c.grai ? { grai: c.grai } : {}),
          ...(c.tareKg !== undefined ? { tareKg: c.tareKg } : {}),
          ...(c.scrappedAt ? { scrappedAt: new Date(c.scrappedAt) } : {}),
        };
        const verdict = judge(cylinder, states.get(c.id) ?? 'unregistered');
        if (verdict.decision !== 'allow' || verdict.targetNetKg === null || verdict.maxGrossKg === null) continue;
        entries.push({ cylinderId: c.id, grai: c.grai as string, serial: c.serial, model: c.model, nominalKg: c.nominalKg, tareKg: c.tareKg as number, targetNetKg: verdict.targetNetKg, maxGrossKg: verdict.maxGrossKg });
      }
      const id = new Types.ObjectId();
      await deps.repository.insert({ _id: id, deviceId: device.id, siteId: device.siteId, issuedAt, expiresAt, cylinderIds: entries.map((e) => e.cylinderId) });
      const answer = { id: id.toHexString(), deviceId: device.id, siteId: device.siteId, issuedAt: issuedAt.toISOString(), expiresAt: expiresAt.toISOString(), cylinders: entries.map(({ cylinderId: _c, ...rest }) => rest) };
      return { ...answer, signature: signAllowlist(await deps.keyOf(device), answer) };
    },
    byId: deps.repository.byId,
  };
}
