import express, { Router } from 'express';
import mongoose, { Types, type Connection } from 'mongoose';
import request from 'supertest';
import { createApp } from '../../src/app';
import { authenticate, signAccessToken, type Principal, type Role } from '../../src/components/auth';
import { createEpcis } from '../../src/components/ledger/epcis';
import { createLedgerLog, verifyBundle, verifyCheckpoint, type LedgerLog } from '../../src/components/ledger/log';
import { arrayHasher, leafHash, treeRoot, verifyConsistency, verifyInclusion } from '../../src/components/ledger/log/merkle';
import { logModels } from '../../src/components/ledger/log/log.model';
import { fakeDatabase, silentLogger } from '../foundation/app.harness';
import { startTestDatabase, type TestDatabase } from '../support/mongo';
import { MemoryLedger } from './ledger-log.fixture';

const JWT = 'ledger-log-test-jwt-secret-0123456789abcdef';
const SIGNING_KEY = 'ledger-log-test-signing-key-0123456789abcdef';
const HIDDEN_CYLINDER = 'c000000000000000000000ff';

let db: TestDatabase;
let connection: Connection;
let ledger: MemoryLedger;
let log: LedgerLog;
let http: ReturnType<typeof request>;

const principal = (role: Role, extra: Partial<Principal> = {}): Principal => ({
  kind: 'user',
  userId: new Types.ObjectId().toHexString(),
  username: `${role}x`,
  role,
  ...extra,
});
const as = (role: Role, path: string, extra: Partial<Principal> = {}) =>
  http.get(path).set('Authorization', `Bearer ${signAccessToken(JWT, principal(role, extra))}`);

beforeAll(async () => {
  db = await startTestDatabase('ledger_log');
  connection = mongoose.createConnection(db.uri, { dbName: db.dbName });
  await connection.asPromise();
});

// Each test starts from the same city, on an emptied database with a log that has integrated nothing:
// cylinder 1's whole round and two events of cylinder 2, interleaved (9 events).
beforeEach(async () => {
  await connection.db?.dropDatabase();
  ledger = new MemoryLedger();
  ledger.lifecycle('c00000000000000000000001');
  ledger.lifecycle('c00000000000000000000002', ['commission', 'inspect']);
  const cylinderVisible = async (_p: Principal, id: string) => id !== HIDDEN_CYLINDER;
  log = await createLedgerLog({ connection, source: ledger, cylinderVisible, signingKey: SIGNING_KEY, logger: silentLogger, checkpointIntervalMs: 0 });
  const epcis = createEpcis({ source: ledger, cylinderVisible });
  const app = createApp({
    config: { isProduction: false, http: { bodyLimit: '1mb' } },
    logger: silentLogger,
    database: fakeDatabase(),
    modules: [
      { name: 'authentication', router: Router().use(authenticate(JWT)), registerOpenApi: () => undefined },
      log.module,
      epcis.module,
    ],
  });
  http = request(express().use(log.wellKnown).use(app));
});

afterEach(() => log.stop());

afterAll(async () => {
  await connection.db?.dropDatabase();
  await connection.close();
  await db.stop();
});

/** Checkpoints signed at 9 events and, after three events of cylinder 3, at 12. */
async function signedAt9And12(): Promise<void> {
  await log.service.checkpoint();
  ledger.lifecycle('c00000000000000000000003', ['commission', 'inspect', 'fill']);
  await log.service.checkpoint();
}

describe('the ledger log', () => {
  it('integrates events as leaves in append order, once, even when two integrators race', async () => {
    const twin = await createLedgerLog({ connection, source: ledger, cylinderVisible: async () => true, signingKey: SIGNING_KEY, logger: silentLogger, checkpointIntervalMs: 0 });
    const sizes = await Promise.all([log.service.integrate(), twin.service.integrate(), log.service.integrate()]);
    expect(sizes).toEqual([9, 9, 9]);
    const leaves = await logModels(connection).leaves.find().sort({ index: 1 }).lean();
    expect(leaves.map((l) => l.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(leaves.map((l) => l.eventId)).toEqual(ledger.events.map((e) => e.eventId));
    expect(leaves[3]?.leafHash).toBe(leafHash(Buffer.from(ledger.events[3]?.hash ?? '', 'hex')).toString('hex'));
    await twin.stop();
  });

  it('signs checkpoints only when the log grew, and proves the later one extends the earlier', async () => {
    const first = await log.service.checkpoint();
    expect(await log.service.checkpoint()).toEqual(first);
    ledger.lifecycle('c00000000000000000000003', ['commission', 'inspect', 'fill']);
    const second = await log.service.checkpoint();
    expect(first?.treeSize).toBe(9);
    expect(second?.treeSize).toBe(12);
    const key = (await http.get('/.well-known/lpg-trace-ledger-key').expect(200)).body as { publicKeyPem: string; keyId: string };
    expect((await http.get('/api/v1/ledger/public-key').expect(200)).body).toEqual(key);
    expect(verifyCheckpoint(second!, key.publicKeyPem)).toBe(true);

    const proof = (await as('auditor', '/api/v1/ledger/proofs/consistency?from=9&to=12').expect(200)).body;
    expect(proof.fromRoot).toBe(first?.rootHash);
    expect(proof.toRoot).toBe(second?.rootHash);
    const hex = (h: string) => Buffer.from(h, 'hex');
    expect(verifyConsistency(9, 12, hex(first!.rootHash), hex(second!.rootHash), proof.proof.map(hex))).toBe(true);
    expect((await as('city_regulator', '/api/v1/ledger/checkpoints?size=9').expect(200)).body.items).toEqual([first]);
    expect((await as('city_regulator', '/api/v1/ledger/checkpoints/latest').expect(200)).body).toEqual(second);
  });

  it('proves an event is included in the latest checkpoint, signing one when none covers it yet', async () => {
    await signedAt9And12();
    const late = ledger.append('c00000000000000000000003', 'dispatch');
    const proof = (await as('district_regulator', `/api/v1/ledger/proofs/inclusion?eventId=${late.eventId}`, { districtCode: '441802' }).expect(200)).body;
    const latest = (await as('auditor', '/api/v1/ledger/checkpoints/latest').expect(200)).body;
    expect(proof).toMatchObject({ leafIndex: late.logSeq, treeSize: 13 });
    expect(latest.treeSize).toBe(13);
    const hex = (h: string) => Buffer.from(h, 'hex');
    expect(verifyInclusion(proof.leafIndex, proof.treeSize, hex(proof.leafHash), proof.auditPath.map(hex), hex(latest.rootHash))).toBe(true);
    const older = (await as('auditor', `/api/v1/ledger/proofs/inclusion?eventId=${ledger.events[2]?.eventId}&treeSize=9`).expect(200)).body;
    expect(older.treeSize).toBe(9);
  });

  it('answers bad proof requests with the field at fault, and unknown events with 404', async () => {
    await signedAt9And12();
    const tooBig = await as('auditor', '/api/v1/ledger/proofs/consistency?from=5&to=999').expect(400);
    expect(tooBig.body.errors[0].path).toBe('to');
    await as('auditor', '/api/v1/ledger/proofs/inclusion?eventId=nope').expect(404);
    const outside = await as('auditor', `/api/v1/ledger/proofs/inclusion?eventId=${ledger.events[10]?.eventId}&treeSize=9`).expect(400);
    expect(outside.body.errors[0].path).toBe('treeSize');
    await as('auditor', '/api/v1/ledger/checkpoints?size=abc').expect(400);
  });

  it('lets only regulators and auditors read the log', async () => {
    await http.get('/api/v1/ledger/checkpoints/latest').expect(401);
    await as('enterprise_admin', '/api/v1/ledger/checkpoints/latest', { enterpriseId: 'e'.repeat(24) }).expect(403);
    await as('delivery_worker', '/api/v1/cylinders/c00000000000000000000001/export').expect(403);
    await as('auditor', `/api/v1/cylinders/${HIDDEN_CYLINDER}/export`).expect(404);
  });

  it('exports a cylinder history that verifies offline, and that fails once altered', async () => {
    const bundle = (await as('city_regulator', '/api/v1/cylinders/c00000000000000000000001/export').expect(200)).body;
    const { publicKeyPem } = (await http.get('/api/v1/ledger/public-key')).body as { publicKeyPem: string };
    expect(bundle.events).toHaveLength(7);
    expect(verifyBundle(bundle, publicKeyPem)).toMatchObject({ ok: true, events: 7 });
    const altered = structuredClone(bundle);
    altered.events[2].payload.netKg = 30;
    expect(verifyBundle(altered, publicKeyPem)).toMatchObject({ ok: false, eventId: bundle.events[2].eventId });
  });

  it('integrates a backlog longer than one read page in order, and signs the root any verifier recomputes', async () => {
    for (let i = 0; i < 5_600; i++) ledger.append(`c-bulk-${i % 7}`, 'fill');
    const size = await log.service.integrate();
    expect(size).toBe(ledger.events.length);
    const checkpoint = await log.service.checkpoint();
    const leaves = ledger.events.map((e) => leafHash(Buffer.from(e.hash, 'hex')));
    expect(checkpoint).toMatchObject({ treeSize: ledger.events.length, rootHash: treeRoot(arrayHasher(leaves), leaves.length).toString('hex') });
    const stored = await logModels(connection).leaves.find({ index: { $gte: size - 3 } }).sort({ index: 1 }).lean();
    expect(stored.map((l) => l.eventId)).toEqual(ledger.events.slice(-3).map((e) => e.eventId));
  });

  it('does not halt at a stored event whose content no longer matches its hash: it logs its stored hash, flags the position and signs on', async () => {
    const before = await log.service.checkpoint();
    const forged = ledger.append('c00000000000000000000002', 'fill');
    (forged.payload as Record<string, unknown>).netKg = 99;
    ledger.append('c00000000000000000000002', 'dispatch');
    expect(await log.service.integrate()).toBe(forged.logSeq + 2);
    const after = await log.service.checkpoint();
    expect(after?.treeSize).toBe((before?.treeSize ?? 0) + 2);
    const leaf = await logModels(connection).leaves.findOne({ index: forged.logSeq }).lean();
    expect(leaf).toMatchObject({ eventId: forged.eventId, leafHash: leafHash(Buffer.from(forged.hash, 'hex')).toString('hex'), incident: { kind: 'EVENT_ALTERED', cylinderId: 'c00000000000000000000002' } });
    expect((await as('city_regulator', '/api/v1/ledger/incidents')).body.items).toEqual([expect.objectContaining({ logPosition: forged.logSeq, kind: 'EVENT_ALTERED', eventId: forged.eventId })]);
    expect((await as('district_regulator', '/api/v1/ledger/incidents', { districtCode: '441802' })).status).toBe(403);
  });
});
