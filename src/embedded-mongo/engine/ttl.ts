import { valuesAtPath } from '../query';
import { AutoBatch, type Engine } from './engine';

/**
 * Deletes documents whose TTL index date lies more than expireAfterSeconds in the past, as
 * MongoDB's TTL monitor does (a document whose field is not a date, or an array without one, stays).
 */
export async function sweepExpired(engine: Engine, now = Date.now()): Promise<number> {
  let removed = 0;
  const batch = new AutoBatch();
  for (const db of engine.databases()) {
    for (const coll of engine.collectionsOf(db)) {
      for (const index of coll.indexes.values()) {
        const seconds = index.spec.expireAfterSeconds;
        if (seconds === undefined) continue;
        const cutoff = new Date(now - seconds * 1000);
        const expired: string[] = [];
        for (const id of index.idsAscending([cutoff])) expired.push(id);
        for (const id of expired) {
          const doc = coll.docs.get(id)?.doc;
          const field = index.fields[0] as string;
          const values = doc ? valuesAtPath(doc, field).flatMap((v) => (Array.isArray(v) ? v : [v])) : [];
          const dates = values.filter((v): v is Date => v instanceof Date);
          if (!doc || dates.length === 0 || Math.min(...dates.map((d) => d.getTime())) > cutoff.getTime()) continue;
          engine.write(batch, coll, id, null);
          removed++;
        }
      }
    }
  }
  await engine.finish(batch);
  return removed;
}
