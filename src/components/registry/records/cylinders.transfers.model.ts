import { Schema, type ClientSession, type Connection, type Model, type Types } from 'mongoose';
import type { TRANSFER_STATUSES } from './cylinders.authority.schemas';

export interface TransferDoc {
  _id: Types.ObjectId;
  cylinderId: Types.ObjectId;
  enterpriseId: Types.ObjectId;
  /** The cylinder's district when requested: scope of the request (its regulator decides). */
  districtCode: string;
  fromSiteId: Types.ObjectId;
  toSiteId: Types.ObjectId;
  toDistrictCode: string;
  reason: string;
  status: (typeof TRANSFER_STATUSES)[number];
  requestedBy: { userId: string; username: string; role: string };
  requestedAt: Date;
  decidedBy?: { userId: string; username: string; role: string };
  decidedAt?: Date;
  decisionReason?: string;
}

const who = { userId: { type: String, required: true }, username: { type: String, required: true }, role: { type: String, required: true } };

const transferSchema = new Schema<TransferDoc>(
  {
    cylinderId: { type: Schema.Types.ObjectId, required: true },
    enterpriseId: { type: Schema.Types.ObjectId, required: true },
    districtCode: { type: String, required: true },
    fromSiteId: { type: Schema.Types.ObjectId, required: true },
    toSiteId: { type: Schema.Types.ObjectId, required: true },
    toDistrictCode: { type: String, required: true },
    reason: { type: String, required: true },
    status: { type: String, required: true },
    requestedBy: who,
    requestedAt: { type: Date, required: true },
    decidedBy: { type: new Schema(who, { _id: false }), default: undefined },
    decidedAt: { type: Date },
    decisionReason: { type: String },
  },
  { collection: 'cylinder_transfer_requests', versionKey: false },
);
// One pending request per cylinder: a second is refused (the check in the service says why; the index holds under races).
transferSchema.index({ cylinderId: 1 }, { unique: true, partialFilterExpression: { status: 'pending' } });
// The regulator's queue (district scope) and the enterprise's own, newest first.
transferSchema.index({ districtCode: 1, status: 1, _id: -1 });
transferSchema.index({ enterpriseId: 1, status: 1, _id: -1 });

export function transferModel(connection: Connection): Model<TransferDoc> {
  return (connection.models.CylinderTransferRequest as Model<TransferDoc> | undefined) ?? connection.model<TransferDoc>('CylinderTransferRequest', transferSchema);
}

/** The only place that touches the transfer requests' model. */
export function createTransferRepository(model: Model<TransferDoc>) {
  return {
    init: () => model.init(),
    findOne: (filter: Record<string, unknown>, session?: ClientSession) => model.findOne(filter, null, { session }).lean<TransferDoc>().exec(),
    find: (filter: Record<string, unknown>, limit: number) => model.find(filter).sort({ _id: -1 }).limit(limit).lean<TransferDoc[]>().exec(),
    async insert(doc: TransferDoc, session: ClientSession): Promise<void> {
      await model.create([doc], { session });
    },
    async decide(id: Types.ObjectId, set: Partial<TransferDoc>, session: ClientSession): Promise<boolean> {
      const result = await model.updateOne({ _id: id, status: 'pending' }, { $set: set }, { session }).exec();
      return result.modifiedCount === 1;
    },
  };
}

export type TransferRepository = ReturnType<typeof createTransferRepository>;
