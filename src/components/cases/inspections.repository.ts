import { Types, type ClientSession, type Connection } from 'mongoose';
import { DEFAULT_CHECKLISTS, PREMISES_TYPES, type PremisesType } from './inspections.checklists';
import { inspectionModels, type ChecklistDoc, type HouseholdLinkDoc, type InspectionDoc, type InspectionHazardDoc } from './inspections.model';

export type Filter = Record<string, unknown>;

/** The only place that touches the inspections' collections (checklists, inspections, hazards, household links). */
export function createInspectionsRepository(connection: Connection) {
  const models = inspectionModels(connection);
  const checklists = models.checklists.collection;
  const inspections = models.inspections.collection;
  const hazards = models.hazards.collection;
  const links = models.links.collection;
  const oid = (id: string) => (/^[0-9a-f]{24}$/.test(id) ? new Types.ObjectId(id) : undefined);

  return {
    /** Indexes, and version 1 of each checklist where none exists yet (every process may race to it: the unique index keeps one). */
    async init(now: Date): Promise<void> {
      await Promise.all(Object.values(models).map((m) => m.init()));
      for (const premisesType of PREMISES_TYPES) {
        await checklists.updateOne(
          { premisesType, version: 1 },
          { $setOnInsert: { premisesType, version: 1, items: DEFAULT_CHECKLISTS[premisesType], updatedAt: now, updatedBy: null } },
          { upsert: true },
        );
      }
    },
    async currentChecklists(): Promise<ChecklistDoc[]> {
      const out: ChecklistDoc[] = [];
      for (const premisesType of PREMISES_TYPES) {
        const doc = await this.currentChecklist(premisesType);
        if (doc) out.push(doc);
      }
      return out;
    },
    async currentChecklist(premisesType: PremisesType, session?: ClientSession): Promise<ChecklistDoc | undefined> {
      const [doc] = await checklists.find({ premisesType }, { session }).sort({ version: -1 }).limit(1).toArray();
      return (doc as unknown as ChecklistDoc | undefined) ?? undefined;
    },
    async checklist(premisesType: PremisesType, version: number): Promise<ChecklistDoc | undefined> {
      return ((await checklists.findOne({ premisesType, version })) as unknown as ChecklistDoc | null) ?? undefined;
    },
    async insertChecklist(doc: ChecklistDoc, session: ClientSession): Promise<void> {
      await checklists.insertOne(doc as never, { session });
    },
    async insertInspection(doc: InspectionDoc, hazardDocs: readonly InspectionHazardDoc[], session: ClientSession): Promise<void> {
      await inspections.insertOne(doc as never, { session });
      if (hazardDocs.length > 0) await hazards.insertMany(hazardDocs as never, { session });
    },
    async inspection(id: string, scope: Filter): Promise<InspectionDoc | undefined> {
      const _id = oid(id);
      if (!_id) return undefined;
      return ((await inspections.findOne({ $and: [scope, { _id }] })) as unknown as InspectionDoc | null) ?? undefined;
    },
    async inspections(filter: Filter, limit: number): Promise<InspectionDoc[]> {
      return (await inspections.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray()) as unknown as InspectionDoc[];
    },
    async hazards(filter: Filter, limit: number): Promise<InspectionHazardDoc[]> {
      return (await hazards.find(filter).sort({ deadline: 1, _id: 1 }).limit(limit).toArray()) as unknown as InspectionHazardDoc[];
    },
    async hazardsByIds(ids: readonly string[], scope: Filter, session?: ClientSession): Promise<InspectionHazardDoc[]> {
      const valid = ids.flatMap((id) => oid(id) ?? []);
      if (valid.length === 0) return [];
      return (await hazards.find({ $and: [scope, { _id: { $in: valid } }] }, { session }).toArray()) as unknown as InspectionHazardDoc[];
    },
    async hazardsIntoCase(ids: readonly string[], caseId: string, session: ClientSession): Promise<void> {
      const valid = ids.flatMap((id) => oid(id) ?? []);
      if (valid.length > 0) await hazards.updateMany({ _id: { $in: valid } }, { $set: { status: 'in_case', caseId } }, { session });
    },
    async closeHazardsOfCase(caseId: string, at: Date, session: ClientSession): Promise<void> {
      await hazards.updateMany({ caseId, status: 'in_case' }, { $set: { status: 'closed', closedAt: at } }, { session });
      await links.updateMany({ caseId }, { $set: { closed: true } }, { session });
    },
    async insertLinks(docs: readonly HouseholdLinkDoc[], session: ClientSession): Promise<void> {
      if (docs.length > 0) await links.insertMany(docs as never, { session });
    },
    async links(filter: Filter, session?: ClientSession): Promise<HouseholdLinkDoc[]> {
      return (await links.find(filter, { session }).limit(10_000).toArray()) as unknown as HouseholdLinkDoc[];
    },
  };
}

export type InspectionsRepository = ReturnType<typeof createInspectionsRepository>;
