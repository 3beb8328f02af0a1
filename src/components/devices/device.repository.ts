import { Types, type ClientSession, type Connection } from 'mongoose';
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
  lastSeenAt?: Date;
  lock?: DeviceLock;
  /** What the scale's last heartbeat said. */
  firmware?: string;
  calibrationDueOn?: string;
  bufferedReports?: number;
  lastHeartbeatAt?: Date;
  /** The highest upload sequence number of a report it sent. */
  reportSequence?: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeviceLock {
  reason: string;
  at: Date;
  by: string;
  byRole: string;
}

/** What the request-signature check needs: the record, and the salt its secret is derived from. */
export interface DeviceCredential {
  device: DeviceRecord;
  secretSalt: string;
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
    ...(doc.lastSeenAt ? { lastSeenAt: doc.lastSeenAt } : {}),
    ...(doc.firmware ? { firmware: doc.firmware } : {}),
    ...(doc.calibrationDueOn ? { calibrationDueOn: doc.calibrationDueOn } : {}),
    ...(typeof doc.bufferedReports === 'number' ? { bufferedReports: doc.bufferedReports } : {}),
    ...(doc.lastHeartbeatAt ? { lastHeartbeatAt: doc.lastHeartbeatAt } : {}),
    ...(typeof doc.reportSequence === 'number' ? { reportSequence: doc.reportSequence } : {}),
    ...(doc.lock ? { lock: { reason: doc.lock.reason, at: doc.lock.at, by: doc.lock.by, byRole: doc.lock.byRole } } : {}),
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
    async atSite(siteId: string): Promise<DeviceRecord[]> {
      const docs = await Device.find({ siteId: oid(siteId) }).sort({ _id: 1 }).limit(500).lean<DeviceDocument[]>().exec();
      return docs.map(toRecord);
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
    /** Unscoped, by id: the device a signed request names (never leaves the devices component with its salt). */
    async credentialOf(id: string): Promise<DeviceCredential | undefined> {
      if (!/^[0-9a-f]{24}$/.test(id)) return undefined;
      const doc = await Device.collection.findOne({ _id: oid(id) });
      return doc ? { device: toRecord(doc as unknown as DeviceDocument), secretSalt: String(doc.secretSalt) } : undefined;
    },
    /** Sets or clears a scale's lock (in scope); answers the device before, undefined when out of scope. */
    async setLock(id: string, scope: Scope, lock: DeviceLock | null, session?: ClientSession): Promise<DeviceRecord | undefined> {
      const doc = await Device.findOneAndUpdate({ $and: [{ _id: oid(id) }, scope] }, { $set: { lock } }, { returnDocument: 'before', session }).lean<DeviceDocument>().exec();
      return doc ? toRecord(doc) : undefined;
    },
    /** Active scales whose last signed request is older than `before`, or that never sent one since they were registered before it. */
    async silentSince(before: Date): Promise<{ deviceId: string; siteId: string; enterpriseId: string; districtCode: string; lastSeenAt: Date | null }[]> {
      const docs = await Device.collection.find({ status: 'active', $or: [{ lastSeenAt: null, createdAt: { $lt: before } }, { lastSeenAt: { $lt: before } }] }).sort({ lastSeenAt: 1 }).toArray();
      return docs.map((d) => ({
        deviceId: (d._id as Types.ObjectId).toHexString(),
        siteId: (d.siteId as Types.ObjectId).toHexString(),
        enterpriseId: (d.enterpriseId as Types.ObjectId).toHexString(),
        districtCode: String(d.districtCode),
        lastSeenAt: d.lastSeenAt instanceof Date ? d.lastSeenAt : null,
      }));
    },
    async markReported(id: string, sequence: number): Promise<void> {
      await Device.collection.updateOne({ _id: oid(id) }, { $max: { reportSequence: sequence } });
    },
    async recordHeartbeat(id: string, beat: { firmware: string; sequence: number; bufferedReports: number; calibrationDueOn?: string | undefined }, at: Date): Promise<void> {
      await Device.collection.updateOne(
        { _id: oid(id) },
        { $set: { firmware: beat.firmware, bufferedReports: beat.bufferedReports, lastHeartbeatAt: at, lastSeenAt: at, ...(beat.calibrationDueOn ? { calibrationDueOn: beat.calibrationDueOn } : {}) }, $max: { heartbeatSequence: beat.sequence } },
      );
    },
    async markSeen(id: string, at: Date): Promise<void> {
      await Device.collection.updateOne({ _id: oid(id) }, { $set: { lastSeenAt: at } });
    },
    async ensureIndexes(): Promise<void> {
      await Device.init();
    },
  };
}
