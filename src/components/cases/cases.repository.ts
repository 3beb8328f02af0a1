import { Types, type ClientSession, type Connection } from 'mongoose';
import { caseModels, type CaseDoc, type CasePhotoDoc } from './cases.model';

export type Filter = Record<string, unknown>;

/** The only place that touches the cases' collections. */
export function createCasesRepository(connection: Connection) {
  const models = caseModels(connection);
  const cases = models.cases.collection;
  const photos = models.photos.collection;
  const counters = models.counters.collection;
  const oid = (id: string) => (Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/.test(id) ? new Types.ObjectId(id) : undefined);

  return {
    async init(): Promise<void> {
      await Promise.all(Object.values(models).map((m) => m.init()));
    },
    /** The next number of a district's year, taken in the case's transaction: an aborted case gives it back. */
    async nextSeq(key: string, session: ClientSession): Promise<number> {
      const doc = await counters.findOneAndUpdate({ _id: key } as Filter, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after', session });
      return Number((doc as { seq?: number } | null)?.seq ?? 1);
    },
    async insert(doc: CaseDoc, session: ClientSession): Promise<void> {
      await cases.insertOne(doc as never, { session });
    },
    async replace(doc: CaseDoc, session: ClientSession): Promise<void> {
      await cases.replaceOne({ _id: doc._id }, doc as never, { session });
    },
    async byId(id: string, scope: Filter, session?: ClientSession): Promise<CaseDoc | undefined> {
      const _id = oid(id);
      if (!_id) return undefined;
      return ((await cases.findOne({ $and: [scope, { _id }] }, { session })) as unknown as CaseDoc | null) ?? undefined;
    },
    async list(filter: Filter, limit: number): Promise<CaseDoc[]> {
      return (await cases.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray()) as unknown as CaseDoc[];
    },
    async count(filter: Filter): Promise<number> {
      return cases.countDocuments(filter);
    },
    /** Assigned cases whose deadline passed (the overdue sweep). */
    async overdue(now: Date, limit: number): Promise<CaseDoc[]> {
      return (await cases.find({ status: 'assigned', deadline: { $lt: now } }).sort({ deadline: 1 }).limit(limit).toArray()) as unknown as CaseDoc[];
    },
    /** Open (not closed) cases holding any of these hazards. */
    async openCasesOfHazards(hazardIds: readonly string[]): Promise<CaseDoc[]> {
      if (hazardIds.length === 0) return [];
      return (await cases.find({ hazardIds: { $in: [...hazardIds] }, status: { $ne: 'closed' } }).toArray()) as unknown as CaseDoc[];
    },
    async insertPhoto(doc: CasePhotoDoc): Promise<void> {
      await photos.insertOne(doc as never);
    },
    async photoOf(caseId: string, photoId: string): Promise<CasePhotoDoc | undefined> {
      const c = oid(caseId);
      const p = oid(photoId);
      if (!c || !p) return undefined;
      const doc = (await photos.findOne({ _id: p, caseId: c })) as unknown as (Omit<CasePhotoDoc, 'data'> & { data: Buffer | { buffer: Uint8Array } }) | null;
      if (!doc) return undefined;
      const data = Buffer.isBuffer(doc.data) ? doc.data : Buffer.from(doc.data.buffer);
      return { ...doc, data };
    },
    /** Every photo of a case, oldest first, without its bytes (at most 200: a case takes 20 per rectification). */
    async photosOf(caseId: Types.ObjectId): Promise<Omit<CasePhotoDoc, 'data'>[]> {
      return (await photos.find({ caseId }, { projection: { data: 0 } }).sort({ caseId: 1, createdAt: 1 }).limit(200).toArray()) as unknown as Omit<CasePhotoDoc, 'data'>[];
    },
    async photoIdsOf(caseId: string, ids: readonly string[]): Promise<string[]> {
      const c = oid(caseId);
      const valid = ids.flatMap((id) => oid(id) ?? []);
      if (!c || valid.length === 0) return [];
      return (await photos.find({ caseId: c, _id: { $in: valid } }, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id));
    },
  };
}

export type CasesRepository = ReturnType<typeof createCasesRepository>;
