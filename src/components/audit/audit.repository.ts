import type { ClientSession, Connection } from 'mongoose';
import { Types } from 'mongoose';
import { auditModel, type AuditDoc } from './audit.model';

/** Append-only: there is no update or delete path here, on purpose. */
export function createAuditRepository(connection: Connection) {
  const model = auditModel(connection);
  return {
    /** Builds the trail's indexes; awaited before serving. */
    async init(): Promise<void> {
      await model.init();
    },
    async insertMany(docs: Omit<AuditDoc, '_id'>[], session?: ClientSession): Promise<void> {
      if (docs.length === 0) return;
      await model.insertMany(
        docs.map((d) => ({ _id: new Types.ObjectId(), ...d })),
        { session, lean: true },
      );
    },
    async find(filter: Record<string, unknown>, limit: number): Promise<AuditDoc[]> {
      return model.find(filter).sort({ _id: -1 }).limit(limit).lean<AuditDoc[]>().exec();
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
