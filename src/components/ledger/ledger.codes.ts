import type { CodedResource, CodeLookups } from '../registry';
import type { EventActor } from './ledger.contract';
import type { LedgerLookups } from './ledger.lookups';
import type { Rejection } from './ledger.references';
import type { EventInput } from './ledger.schemas';

/** The registry's look-up of ids by human code within an enterprise (unscoped: the enterprise is the scope). */
export type LedgerCodes = Pick<CodeLookups, 'idsByCode'>;

export type Coded = { input: EventInput } | { rejection: Rejection };

/** Memoised for one batch: 1,000 events at station S01 read it once. */
export function memoCodes(codes: LedgerCodes): LedgerCodes {
  const cache = new Map<string, Promise<Map<string, string>>>();
  return {
    async idsByCode(resource, enterpriseId, wanted) {
      const [code] = wanted;
      if (wanted.length !== 1 || code === undefined) return codes.idsByCode(resource, enterpriseId, wanted);
      const key = `${resource}:${enterpriseId}:${code}`;
      let hit = cache.get(key);
      if (!hit) {
        hit = codes.idsByCode(resource, enterpriseId, [code]);
        cache.set(key, hit);
        hit.catch(() => cache.delete(key));
      }
      return hit;
    },
  };
}

/**
 * Turns the human keys of an event into the ids the rest of the capture path knows: `serial` (the
 * steel stamp) → cylinderId, `siteCode` (station code, in `where` or the payload) → siteId,
 * `vehiclePlate` → vehicleId, so the event is decided, hashed and stored exactly as if it had named
 * the ids (a code may be renamed later; the stored event keeps the record it meant). Codes are read
 * within the actor's enterprise, or, for a city-wide actor, the enterprise of the cylinder it names
 * by id or GRAI: another enterprise's code is unknown exactly like a missing one, and is refused
 * naming the field and the value. An event without codes costs nothing here.
 */
export async function resolveCodes(input: EventInput, actor: EventActor, codes: LedgerCodes, lookups: LedgerLookups): Promise<Coded> {
  const site = slot(input, 'siteCode');
  const vehicle = slot(input, 'vehiclePlate');
  if (!input.serial && !site && !vehicle) return { input };
  const enterpriseId = actor.enterpriseId ?? (await cylinderEnterprise(input, lookups));
  if (!enterpriseId) {
    const field = input.serial ? 'serial' : (site ?? vehicle)?.field;
    return refuse('VALIDATION_FAILED', `${field ?? 'code'}: names a record within an enterprise; a caller with none names the cylinder by cylinderId or grai`);
  }
  const find = async (resource: CodedResource, code: string) => (await codes.idsByCode(resource, enterpriseId, [code])).get(code);
  const next: EventInput = { ...input, where: { ...input.where }, payload: { ...input.payload } };
  if (input.serial) {
    const id = await find('cylinders', input.serial);
    if (!id) return refuse('CYLINDER_NOT_FOUND', `serial: no cylinder "${input.serial}" of the enterprise`);
    delete next.serial;
    next.cylinderId = id;
  }
  for (const [found, resource, idKey, noun] of [[site, 'sites', 'siteId', 'site'], [vehicle, 'vehicles', 'vehicleId', 'vehicle']] as const) {
    if (!found) continue;
    const id = await find(resource, found.code);
    if (!id) return refuse('REFERENCE_NOT_FOUND', `${found.field}: no ${noun} "${found.code}" of the enterprise`);
    const codeKey = found.field.split('.')[1] as 'siteCode' | 'vehiclePlate';
    delete next.where[codeKey];
    next.where[idKey] = id;
    if (codeKey in next.payload) {
      delete next.payload[codeKey];
      next.payload[idKey] = id;
    }
  }
  return { input: next };
}

/** Where an event names a site or vehicle by code: `where` first, then the payload (receive, dispatch …). */
function slot(input: EventInput, key: 'siteCode' | 'vehiclePlate'): { field: string; code: string } | undefined {
  const inWhere = input.where[key];
  if (inWhere) return { field: `where.${key}`, code: inWhere };
  const inPayload = input.payload[key];
  return typeof inPayload === 'string' ? { field: `payload.${key}`, code: inPayload } : undefined;
}

async function cylinderEnterprise(input: EventInput, lookups: LedgerLookups): Promise<string | undefined> {
  if (!input.cylinderId && !input.grai) return undefined;
  const cylinder = await lookups.cylinder({ ...(input.cylinderId ? { cylinderId: input.cylinderId } : {}), ...(input.grai ? { grai: input.grai } : {}) });
  return cylinder?.enterpriseId;
}

const refuse = (reason: Rejection['reason'], detail: string): Coded => ({ rejection: { reason, detail } });
