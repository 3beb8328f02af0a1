import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface AuditDoc {
  _id: Types.ObjectId;
  at: Date;
  actor: { userId: string; username: string; role: string };
  action: string;
  resource: string;
  recordId: Types.ObjectId;
  /** Copied from the record so that the audit trail is scoped exactly like the record. */
  enterpriseId?: Types.ObjectId;
  districtCode?: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Why, when the act needs a reason (a credential decision, a regulator's correction, a transfer decision). */
  reason?: string;
}

const auditSchema = new Schema<AuditDoc>(
  {
    at: { type: Date, required: true },
    actor: {
      userId: { type: String, required: true },
      username: { type: String, required: true },
      role: { type: String, required: true },
    },
    action: { type: String, required: true },
    resource: { type: String, required: true },
    recordId: { type: Schema.Types.ObjectId, required: true },
    enterpriseId: { type: Schema.Types.ObjectId },
    districtCode: { type: String },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    reason: { type: String },
  },
  { collection: 'audit_records', versionKey: false, minimize: false },
);
auditSchema.index({ resource: 1, recordId: 1, _id: -1 });
auditSchema.index({ enterpriseId: 1, _id: -1 });
auditSchema.index({ districtCode: 1, _id: -1 });

export function auditModel(connection: Connection): Model<AuditDoc> {
  return (connection.models.AuditRecord as Model<AuditDoc> | undefined) ?? connection.model<AuditDoc>('AuditRecord', auditSchema);
}
