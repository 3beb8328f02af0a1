import { Types, type ClientSession } from 'mongoose';
import type { CollisionDoc, CustomerLinkDoc, DeliveryModels, HandoverCodeDoc, HazardDoc, MediaDoc, SafetyCheckDoc, VisitDoc } from './deliveries.model';
import type { SafetyItem } from './safety-check.items';

export type Filter = Record<string, unknown>;

export interface RateRow {
  workerId: string;
  handOvers: number;
  confirmed: number;
  byMethod: Record<string, number>;
}

/** The only place the deliveries component touches its collections; plain documents in and out. */
export function createDeliveriesRepository(models: DeliveryModels) {
  const { visits, checks, hazards, collisions, media, links, codes } = models;
  const many = async <T>(model: { collection: { insertMany(docs: object[], options: object): Promise<unknown> } }, docs: readonly T[], session: ClientSession) => {
    if (docs.length > 0) await model.collection.insertMany(docs.map((d) => ({ ...d }) as object), { session, ordered: true });
  };
  return {
    async init(): Promise<void> {
      await Promise.all(Object.values(models).map((m: { init(): Promise<unknown> }) => m.init()));
    },

    async visitsByIds(enterpriseId: Types.ObjectId, visitIds: readonly string[], session?: ClientSession): Promise<VisitDoc[]> {
      if (visitIds.length === 0) return [];
      return (await visits.collection.find({ enterpriseId, visitId: { $in: [...visitIds] } }, { session }).toArray()) as unknown as VisitDoc[];
    },
    async collisionsOfVisits(enterpriseId: Types.ObjectId, visitIds: readonly string[], session?: ClientSession): Promise<CollisionDoc[]> {
      if (visitIds.length === 0) return [];
      return (await collisions.collection.find({ enterpriseId, visitId: { $in: [...visitIds] } }, { session }).toArray()) as unknown as CollisionDoc[];
    },
    async hazardCounts(checkIds: readonly string[], session?: ClientSession): Promise<Map<string, number>> {
      if (checkIds.length === 0) return new Map();
      const rows = (await hazards.collection.find({ checkId: { $in: [...checkIds] } }, { session, projection: { checkId: 1 } }).toArray()) as unknown as { checkId: string }[];
      const counts = new Map<string, number>();
      for (const row of rows) counts.set(row.checkId, (counts.get(row.checkId) ?? 0) + 1);
      return counts;
    },
    insertVisits: (docs: readonly VisitDoc[], session: ClientSession) => many(visits, docs, session),
    insertChecks: (docs: readonly SafetyCheckDoc[], session: ClientSession) => many(checks, docs, session),
    insertHazards: (docs: readonly HazardDoc[], session: ClientSession) => many(hazards, docs, session),
    insertCollisions: (docs: readonly CollisionDoc[], session: ClientSession) => many(collisions, docs, session),

    /** Closes the customer's open hazards of these items: a later check passed them. */
    async closeHazards(customerId: string, items: readonly SafetyItem[], byCheckId: string, at: Date, session: ClientSession): Promise<void> {
      if (items.length === 0) return;
      await hazards.collection.updateMany({ customerId, item: { $in: [...items] }, status: 'open', foundAt: { $lte: at } }, { $set: { status: 'closed', closedAt: at, closedByCheckId: byCheckId } }, { session });
    },

    /** Spends a code for a visit, unless another visit spent it first. */
    async spendCode(codeId: Types.ObjectId, visitId: string, at: Date, session: ClientSession): Promise<boolean> {
      const result = await codes.collection.updateOne({ _id: codeId, usedAt: { $exists: false } }, { $set: { usedAt: at, usedByVisitId: visitId } }, { session });
      return result.modifiedCount === 1;
    },
    async releaseCode(codeId: Types.ObjectId, visitId: string, session: ClientSession): Promise<void> {
      await codes.collection.updateOne({ _id: codeId, usedByVisitId: visitId }, { $unset: { usedAt: '', usedByVisitId: '' } }, { session });
    },
    async codeMatching(customerId: string, code: string): Promise<HandoverCodeDoc | null> {
      return (await codes.collection.findOne({ customerId, code }, { sort: { createdAt: -1 } })) as unknown as HandoverCodeDoc | null;
    },
    async insertCode(doc: HandoverCodeDoc): Promise<void> {
      await codes.collection.insertOne({ ...doc });
    },
    /** The customer's newest code still valid at `now` and not spent: what their page shows. */
    async currentCode(customerId: string, now: Date): Promise<HandoverCodeDoc | null> {
      return (await codes.collection.findOne({ customerId, expiresAt: { $gt: now }, usedAt: { $exists: false } }, { sort: { expiresAt: -1 } })) as unknown as HandoverCodeDoc | null;
    },

    /** Stores an image once per enterprise (its SHA-256 names it); true when it was new. */
    async putMedia(doc: MediaDoc): Promise<boolean> {
      const result = await media.collection.updateOne({ enterpriseId: doc.enterpriseId, sha256: doc.sha256 }, { $setOnInsert: { ...doc } }, { upsert: true });
      return result.upsertedCount === 1;
    },
    async mediaOf(enterpriseId: Types.ObjectId, sha256: string): Promise<MediaDoc | null> {
      return (await media.collection.findOne({ enterpriseId, sha256 })) as unknown as MediaDoc | null;
    },
    /** An image as the caller may read it: its enterprise's; any for the city and the auditor; a district regulator's through a check or visit of its district. */
    async mediaReadable(reader: { role: string; enterpriseId?: string; districtCode?: string }, sha256: string): Promise<{ type: string; data: Buffer } | null> {
      let filter: Filter | undefined;
      if (reader.role === 'city_regulator' || reader.role === 'auditor') filter = { sha256 };
      else if (reader.role === 'district_regulator' && reader.districtCode) {
        const where = { districtCode: reader.districtCode };
        const owner =
          ((await checks.collection.findOne({ ...where, photoSha256: sha256 }, { projection: { enterpriseId: 1 } })) as { enterpriseId?: Types.ObjectId } | null) ??
          ((await visits.collection.findOne({ ...where, 'content.confirmation.signatureSha256': sha256 }, { projection: { enterpriseId: 1 } })) as { enterpriseId?: Types.ObjectId } | null);
        if (owner?.enterpriseId) filter = { enterpriseId: owner.enterpriseId, sha256 };
      } else if (reader.enterpriseId && Types.ObjectId.isValid(reader.enterpriseId)) filter = { enterpriseId: new Types.ObjectId(reader.enterpriseId), sha256 };
      if (!filter) return null;
      const doc = (await media.collection.findOne(filter)) as { type: string; data: { buffer: Uint8Array; position?: number } | Buffer } | null;
      if (!doc) return null;
      // The driver answers a BSON Binary: its bytes are the first `position` of its buffer.
      const data = Buffer.isBuffer(doc.data) ? doc.data : Buffer.from(doc.data.buffer.subarray(0, doc.data.position ?? doc.data.buffer.length));
      return { type: doc.type, data };
    },
    async mediaPresent(enterpriseId: Types.ObjectId, shas: readonly string[]): Promise<Set<string>> {
      if (shas.length === 0) return new Set();
      const rows = (await media.collection.find({ enterpriseId, sha256: { $in: [...shas] } }, { projection: { sha256: 1 } }).toArray()) as unknown as { sha256: string }[];
      return new Set(rows.map((r) => r.sha256));
    },

    async insertLink(doc: CustomerLinkDoc): Promise<void> {
      await links.collection.insertOne({ ...doc });
    },
    /** Spends a link: the first open of an unexpired, unused link wins it. */
    async spendLink(tokenHash: string, now: Date): Promise<CustomerLinkDoc | null> {
      return (await links.collection.findOneAndUpdate({ tokenHash, usedAt: { $exists: false }, expiresAt: { $gt: now } }, { $set: { usedAt: now } }, { returnDocument: 'after' })) as unknown as CustomerLinkDoc | null;
    },

    async visitsPage(filter: Filter, limit: number): Promise<VisitDoc[]> {
      return (await visits.collection.find(filter).sort({ occurredAt: -1, _id: -1 }).limit(limit).toArray()) as unknown as VisitDoc[];
    },
    async visitOne(filter: Filter): Promise<VisitDoc | null> {
      return (await visits.collection.findOne(filter)) as unknown as VisitDoc | null;
    },
    async collisionsPage(filter: Filter, limit: number): Promise<CollisionDoc[]> {
      return (await collisions.collection.find(filter).sort({ occurredAt: -1, _id: -1 }).limit(limit).toArray()) as unknown as CollisionDoc[];
    },
    async collisionOne(filter: Filter, session?: ClientSession): Promise<CollisionDoc | null> {
      return (await collisions.collection.findOne(filter, { session })) as unknown as CollisionDoc | null;
    },
    /** Resolves an open collision; false when it is no longer open. */
    async resolveCollision(id: Types.ObjectId, status: 'accepted' | 'dismissed', resolution: NonNullable<CollisionDoc['resolution']>, session: ClientSession): Promise<boolean> {
      const result = await collisions.collection.updateOne({ _id: id, status: 'open' }, { $set: { status, resolution } }, { session });
      return result.modifiedCount === 1;
    },
    async hazardsPage(filter: Filter, limit: number): Promise<HazardDoc[]> {
      return (await hazards.collection.find(filter).sort({ deadline: 1, _id: 1 }).limit(limit).toArray()) as unknown as HazardDoc[];
    },
    async hazardsFind(filter: Filter, limit: number): Promise<HazardDoc[]> {
      return (await hazards.collection.find(filter).sort({ deadline: 1, _id: 1 }).limit(limit).toArray()) as unknown as HazardDoc[];
    },
    async checksOfCustomer(customerId: string, limit: number): Promise<SafetyCheckDoc[]> {
      return (await checks.collection.find({ customerId }).sort({ occurredAt: -1 }).limit(limit).toArray()) as unknown as SafetyCheckDoc[];
    },
    async visitsOfCustomer(customerId: string, limit: number): Promise<VisitDoc[]> {
      return (await visits.collection.find({ customerId, kind: 'visit' }).sort({ occurredAt: -1 }).limit(limit).toArray()) as unknown as VisitDoc[];
    },

    /** Hand-overs per worker within the filter: how many, how many confirmed, by which method. */
    async rates(filter: Filter): Promise<RateRow[]> {
      const rows = (await visits.collection
        .aggregate([
          { $match: { ...filter, handOvers: { $gt: 0 } } },
          { $group: { _id: { workerId: '$workerId', method: '$confirmation.method', confirmed: '$confirmation.confirmed' }, handOvers: { $sum: '$handOvers' } } },
        ])
        .toArray()) as unknown as { _id: { workerId: string; method?: string; confirmed?: boolean }; handOvers: number }[];
      const byWorker = new Map<string, RateRow>();
      for (const row of rows) {
        const worker = byWorker.get(row._id.workerId) ?? { workerId: row._id.workerId, handOvers: 0, confirmed: 0, byMethod: {} };
        worker.handOvers += row.handOvers;
        if (row._id.confirmed === true) worker.confirmed += row.handOvers;
        const method = row._id.confirmed === true ? (row._id.method ?? 'none') : 'none';
        worker.byMethod[method] = (worker.byMethod[method] ?? 0) + row.handOvers;
        byWorker.set(row._id.workerId, worker);
      }
      return [...byWorker.values()].sort((a, b) => a.workerId.localeCompare(b.workerId));
    },
  };
}

export type DeliveriesRepository = ReturnType<typeof createDeliveriesRepository>;

export const oid = (hex: string): Types.ObjectId => new Types.ObjectId(hex);
