import { Types, type Model } from 'mongoose';
import { scopeFilter, type Principal } from '../auth';
import type { RegistryModels, StoredDoc } from './registry.model';
import { normalizePlate } from './registry.pii';
import { normalizeCode } from './registry.schemas';

/** Records a human names by a code unique within the enterprise, and the field holding it. */
export type CodedResource = 'sites' | 'vehicles' | 'workers' | 'cylinders';

/**
 * sites: station code (站点编号); vehicles: plate (unique city-wide, so also within the enterprise);
 * workers: staff number (工号); cylinders: the steel-stamp serial (钢印号). Each has a unique index
 * with the enterprise first, so a look-up by enterprise and codes is one indexed read.
 */
export const CODE_FIELDS: Readonly<Record<CodedResource, { field: string; normalize: (raw: string) => string }>> = {
  sites: { field: 'code', normalize: normalizeCode },
  vehicles: { field: 'plate', normalize: normalizePlate },
  workers: { field: 'staffNumber', normalize: normalizeCode },
  cylinders: { field: 'serial', normalize: (raw) => raw.trim().toUpperCase() },
};

/** Resolves human codes to record ids, within one enterprise (and, when given, the caller's scope). */
export interface CodeLookups {
  /**
   * The ids of the records of `enterpriseId` with these codes, keyed by the code as given. A code
   * not found is absent; a code of another enterprise is absent exactly like a missing one. With a
   * principal, records outside its scope are absent too.
   */
  idsByCode(resource: CodedResource, enterpriseId: string, codes: readonly string[], principal?: Principal): Promise<Map<string, string>>;
}

export function createCodeLookups(models: Pick<RegistryModels, CodedResource>): CodeLookups {
  return {
    async idsByCode(resource, enterpriseId, codes, principal) {
      const found = new Map<string, string>();
      if (codes.length === 0 || !Types.ObjectId.isValid(enterpriseId)) return found;
      const { field, normalize } = CODE_FIELDS[resource];
      const wanted = [...new Set(codes.map(normalize))];
      const own = { enterpriseId: new Types.ObjectId(enterpriseId), [field]: { $in: wanted } };
      const filter = principal ? { $and: [scopeFilter(principal, resource), own] } : own;
      const docs = await models[resource].find(filter, { _id: 1, [field]: 1 }).lean<StoredDoc[]>().exec();
      const idOf = new Map(docs.map((d) => [String(d[field]), d._id.toHexString()]));
      for (const code of codes) {
        const id = idOf.get(normalize(code));
        if (id) found.set(code, id);
      }
      return found;
    },
  };
}

/**
 * Records registered before codes existed get one at start, derived from their id (the last 8 hex
 * digits, upper-cased, after a prefix: S1A2B3C4D for a site, W… for a worker), so every process
 * that runs this computes the same code and a re-run changes nothing. Enterprises rename them at
 * will (PATCH, or a CSV with the 站点编号 / 工号 column). Derived rather than left optional: every
 * record can then be named in a CSV or an event the same way, and the field is required everywhere.
 */
export async function fillMissingCodes(models: Pick<RegistryModels, 'sites' | 'workers'>): Promise<number> {
  const plans: [Model<StoredDoc>, string, string][] = [
    [models.sites, 'code', 'S'],
    [models.workers, 'staffNumber', 'W'],
  ];
  let filled = 0;
  for (const [model, field, prefix] of plans) {
    const missing = await model.collection.find({ [field]: { $exists: false } }, { projection: { _id: 1 } }).toArray();
    for (const { _id } of missing) {
      const hex = (_id as Types.ObjectId).toHexString().toUpperCase();
      // The 8 digits are the counter and one random byte; on the rare clash in an enterprise, 16 digits are unique per process.
      const candidates = [`${prefix}${hex.slice(-8)}`, `${prefix}${hex.slice(-16)}`];
      const done = await firstFree(candidates, async (code) => {
        const result = await model.collection.updateOne({ _id, [field]: { $exists: false } }, { $set: { [field]: code } });
        filled += result.modifiedCount;
      });
      if (!done) throw new Error(`${model.collection.name} ${hex}: no free derived ${field}`);
    }
  }
  return filled;
}

/** Runs `write` with each candidate until one does not break a unique index; false if none. */
async function firstFree(candidates: readonly string[], write: (code: string) => Promise<void>): Promise<boolean> {
  for (const code of candidates) {
    try {
      await write(code);
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 11000) throw error;
    }
  }
  return false;
}
