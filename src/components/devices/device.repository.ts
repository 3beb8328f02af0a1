import { Types, type Connection } from 'mongoose';
import { deviceModel, type DeviceDocument } from './device.model';

export interface DeviceRecord {
  id: string;
  kind: DeviceDocument['kind'];
  name: string;
  serialNumber?: string;
  siteId: string;
  enterpriseId: string;
  districtCode: string;
  status: DeviceDocument['status'];
  createdBy: string;
  revokedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewDevice {
  id: string;
  name: string;
  serialNumber?: string;
  siteId: string;
  enterpriseId: string;
  districtCode: string;
  secretHash: string;
  secretSalt: string;
  keyVersion: number;
  createdBy: string;
}

export interface DeviceListFilter {
  siteId?: string;
  status?: DeviceDocument['status'];
  afterId?: string;
}

type Scope = Record<string, unknown>;

const oid = (id: string) => new Types.ObjectId(id);

// The secret's hash and salt never leave the repository.
function toRecord(doc: DeviceDocument): DeviceRecord {
  return {
    id: doc._id.toHexString(),
    kind: doc.kind,
    name: doc.name,
    ...(doc.serialNumber ? { serialNumber: doc.serialNumber } : {}),
    siteId: doc.siteId.toHexString(),
    enterpriseId: doc.enterpriseId.toHexString(),
    districtCode: doc.districtCode,
    status: doc.status,
    createdBy: doc.createdBy.toHexString(),
    ...(doc.revokedAt ? { revokedAt: doc.revokedAt } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export type DeviceRepository = ReturnType<typeof createDeviceRepository>;

export function createDeviceRepository(connection: Connection) {
  const Device = deviceModel(connection);
  return {
    newId: () => new Types.ObjectId().toHexString(),
    async insert(device: NewDevice): Promise<DeviceRecord> {
      const [doc] = await Device.create([
        {
          _id: oid(device.id),
          kind: 'filling_scale',
          name: device.name,
          serialNumber: device.serialNumber ?? null,
          siteId: oid(device.siteId),
          enterpriseId: oid(device.enterpriseId),
          districtCode: device.districtCode,
          status: 'active',
          secretHash: device.secretHash,
          secretSalt: device.secretSalt,
          keyVersion: device.keyVersion,
          createdBy: oid(device.createdBy),
        },
      ]);
      if (!doc) throw new Error('device insert returned nothing');
      return toRecord(doc.toObject());
    },
    async findInScope(id: string, scope: Scope): Promise<DeviceRecord | undefined> {
      const doc = await Device.findOne({ $and: [{ _id: oid(id) }, scope] }).lean<DeviceDocument>().exec();
      return doc ? toRecord(doc) : undefined;
    },
    async list(scope: Scope, filter: DeviceListFilter, limit: number): Promise<DeviceRecord[]> {
      const where: Record<string, unknown> = {};
      if (filter.siteId) where.siteId = oid(filter.siteId);
      if (filter.status) where.status = filter.status;
      if (filter.afterId) where._id = { $gt: oid(filter.afterId) };
      const docs = await Device.find({ $and: [scope, where] }).sort({ _id: 1 }).limit(limit).lean<DeviceDocument[]>().exec();
      return docs.map(toRecord);
    },
    async revoke(id: string, scope: Scope, by: string, now: Date): Promise<DeviceRecord | undefined> {
      const doc = await Device.findOneAndUpdate(
        { $and: [{ _id: oid(id), status: 'active' }, scope] },
        { $set: { status: 'revoked', revokedAt: now, revokedBy: oid(by) } },
        { returnDocument: 'after' },
      )
        .lean<DeviceDocument>()
        .exec();
      return doc ? toRecord(doc) : undefined;
    },
    async ensureIndexes(): Promise<void> {
      await Device.init();
    },
  };
}
