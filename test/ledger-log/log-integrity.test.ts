import pino from 'pino';
import { Writable } from 'node:stream';
import { eventHash, type LedgerEvent } from '../../src/components/ledger';
import { createLedgerLog, verifyBundle, type LedgerLog } from '../../src/components/ledger/log';
import { verifyCylinder } from '../../src/components/ledger/log/chain.verification';
import { anEnterpriseKit, anEvent, expectStatus, lifeOf, principal, startLedgerWorld, type EnterpriseKit, type LedgerWorld } from '../ledger/ledger.harness';

/**
 * An insider with write access to the database (but not to the signing key) against the chain
 * verification and the log: full rewrites, an edited projection, events altered or deleted before
 * the log integrated them. Everything is done straight to the collections, as that insider would.
 */
type Outcome = { eventId: string; status: string; event: LedgerEvent };
type Verdict = { ok: boolean; events: number; reason?: string; firstBadEventId?: string; detail?: string; log: { treeSize: number; included: number; pending: number } };

const errorLines: { msg: string; incident?: string; logSeq?: number }[] = [];
const logger = pino(
  { level: 'error' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      errorLines.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  }),
);

let world: LedgerWorld;
let log: LedgerLog;
let kit: EnterpriseKit;
let clockOffsetMs = 0;
const now = () => new Date(Date.now() + clockOffsetMs);
const city = principal('city_regulator');

const post = (body: object) => expectStatus<Outcome>(world.as(kit.admin).post('/api/v1/events', body), 201);
const verify = (cylinderId: string) => expectStatus<Verdict>(world.as(city).get(`/api/v1/cylinders/${cylinderId}/chain/verify`), 200);
const events = () => world.connection.collection<LedgerEvent>('events');
const projections = () => world.connection.collection('cylinder_states');

/** Rewrites events from `from` on the way an insider would: new content, every hash and link recomputed, and the head. */
async function rewrite(chain: LedgerEvent[], from: number, change: (e: LedgerEvent) => void): Promise<void> {
  let prevHash = chain[from - 1]?.hash ?? null;
  for (const original of chain.slice(from)) {
    // A shallow copy: `change` replaces whole members (structuredClone's Dates are another realm's under Jest).
    const { hash: _old, ...content } = { ...original };
    if (original === chain[from]) change(content as LedgerEvent);
    const hash = eventHash({ ...content, prevHash });
    await events().updateOne({ eventId: original.eventId }, { $set: { ...content, prevHash, hash } });
    prevHash = hash;
  }
  await projections().updateOne({ _id: chain[0]?.cylinderId as never }, { $set: { headHash: prevHash } });
}

async function chainOf(cylinderId: string): Promise<LedgerEvent[]> {
  return (await events().find({ cylinderId }, { projection: { _id: 0 } }).sort({ cylinderSeq: 1 }).toArray()) as LedgerEvent[];
}

// Every test tampers with the database: each gets a world of its own, so none sees another's damage.
beforeEach(async () => {
  clockOffsetMs = 0;
  world = await startLedgerWorld('log_integrity', { logger, ledgerLog: { checkpointIntervalMs: 0, now } });
  log = world.log;
  kit = await anEnterpriseKit(world, '441802');
});

afterEach(() => world.stop());

describe('chain verification against the signed log and the projection', () => {
  it('refuses a checkpointed event rewritten in the database with every hash and the head recomputed', async () => {
    const cylinder = await kit.newCylinder();
    for (const body of lifeOf(cylinder, kit).slice(0, 4)) await post(body);
    expect(await verify(cylinder)).toMatchObject({ ok: true, events: 4, log: { included: 4, pending: 0 } });

    const chain = await chainOf(cylinder);
    const fill = chain[2] as LedgerEvent;
    await rewrite(chain, 2, (e) => {
      e.payload = { ...e.payload, netKg: 12.9 };
    });
    // The rewrite is internally consistent: hashes, links and the head all agree.
    const rewritten = await chainOf(cylinder);
    expect(rewritten.every((e, i) => eventHash(e) === e.hash && e.prevHash === (rewritten[i - 1]?.hash ?? null))).toBe(true);

    const verdict = await verify(cylinder);
    expect(verdict).toMatchObject({ ok: false, events: 2, reason: 'NOT_IN_SIGNED_LOG', firstBadEventId: fill.eventId });
    expect(verdict.detail).toContain(`log position ${fill.logSeq}`);
    // The offline bundle agrees.
    const bundle = await expectStatus(world.as(city).get(`/api/v1/cylinders/${cylinder}/export`), 200);
    expect(verifyBundle(bundle, log.service.publicKey().publicKeyPem)).toMatchObject({ ok: false, eventId: fill.eventId });
  });

  it('still refuses the rewrite when the insider also rewrote the leaf and the checkpoint, after a restart', async () => {
    const cylinder = await kit.newCylinder();
    for (const body of lifeOf(cylinder, kit).slice(0, 3)) await post(body);
    expect(await verify(cylinder)).toMatchObject({ ok: true, log: { included: 3 } });
    const chain = await chainOf(cylinder);
    await rewrite(chain, 1, (e) => {
      e.where = { siteId: kit.supplyPoint };
    });
    const forged = (await chainOf(cylinder))[1] as LedgerEvent;
    const { leafHash } = await import('../../src/components/ledger/log/merkle');
    await world.connection.collection('log_leaves').updateOne({ eventId: forged.eventId }, { $set: { leafHash: leafHash(Buffer.from(forged.hash, 'hex')).toString('hex') } });
    // A process started now builds its tree from the rewritten leaves.
    const restart = () =>
      createLedgerLog({ connection: world.connection, source: world.ledger, cylinderVisible: async () => true, signingKey: world.secrets.LEDGER_SIGNING_KEY, logger, checkpointIntervalMs: 0 });
    const source = world.ledger;
    let restarted = await restart();
    expect(await verifyCylinder({ source, log: restarted.service }, cylinder)).toMatchObject({ ok: false, reason: 'NOT_IN_SIGNED_LOG' });
    await restarted.stop();

    // And with the checkpoint's root replaced by the rewritten tree's: only the signature is left to trust.
    const latest = await world.connection.collection('checkpoints').find().sort({ treeSize: -1 }).limit(1).next();
    const { MerkleTree } = await import('../../src/components/ledger/log/merkle.tree');
    const leaves = await world.connection.collection('log_leaves').find({ index: { $lt: latest?.treeSize } }).sort({ index: 1 }).toArray();
    const forgedRoot = MerkleTree.of(leaves.map((l) => Buffer.from(String(l.leafHash), 'hex'))).root().toString('hex');
    await world.connection.collection('checkpoints').updateOne({ treeSize: latest?.treeSize }, { $set: { rootHash: forgedRoot } });
    restarted = await restart();
    const verdict = await verifyCylinder({ source, log: restarted.service }, cylinder);
    expect(verdict).toMatchObject({ ok: false, reason: 'NOT_IN_SIGNED_LOG', firstBadEventId: chain[0]?.eventId });
    expect(verdict.detail).toContain('signature');
    await restarted.stop();
  });

  it('refuses to record on a projection edited in the database: a sell straight after commissioning is not let through', async () => {
    const cylinder = await kit.newCylinder();
    await post(anEvent('commission', cylinder).at(kit.station).build());
    await projections().updateOne({ _id: cylinder as never }, { $set: { state: 'at_supply_point' } });
    const sell = await world.as(kit.admin).post('/api/v1/events', anEvent('sell', cylinder).with({ customerId: kit.customer }).build());
    expect(sell.status).toBe(422);
    expect(sell.body).toMatchObject({ code: 'PROJECTION_INCONSISTENT' });
    expect(await events().countDocuments({ cylinderId: cylinder })).toBe(1);
    expect(await world.connection.collection('rejected_events').countDocuments({ cylinderId: cylinder, reason: 'PROJECTION_INCONSISTENT' })).toBe(1);
    expect(await verify(cylinder)).toMatchObject({ ok: false, reason: 'PROJECTION_MISMATCH', detail: 'the projection says state at_supply_point (chain: empty_at_station)' });
  });

  it('refuses to start a second chain for a cylinder whose projection was deleted, and says why (no 500)', async () => {
    const cylinder = await kit.newCylinder();
    await post(anEvent('commission', cylinder).at(kit.station).build());
    await projections().deleteOne({ _id: cylinder as never });
    const again = await world.as(kit.admin).post('/api/v1/events', anEvent('commission', cylinder).at(kit.station).build());
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ code: 'PROJECTION_INCONSISTENT' });
    expect(await events().countDocuments({ cylinderId: cylinder })).toBe(1);
  });

  it('never trusts the projection: a changed state, position or head is reported against the chain', async () => {
    const cylinder = await kit.newCylinder();
    const outcomes: Outcome[] = [];
    for (const body of lifeOf(cylinder, kit).slice(0, 3)) outcomes.push(await post(body));
    const head = outcomes[2]?.event as LedgerEvent;
    expect(await verify(cylinder)).toMatchObject({ ok: true, events: 3 });

    await projections().updateOne({ _id: cylinder as never }, { $set: { state: 'with_customer' } });
    expect(await verify(cylinder)).toMatchObject({ ok: false, reason: 'PROJECTION_MISMATCH', firstBadEventId: head.eventId, detail: 'the projection says state with_customer (chain: full_at_station)' });
    await projections().updateOne({ _id: cylinder as never }, { $set: { state: 'full_at_station', cylinderSeq: 7 } });
    expect(await verify(cylinder)).toMatchObject({ ok: false, reason: 'PROJECTION_MISMATCH', detail: 'the projection says last position 7 (chain: 2)' });
    await projections().updateOne({ _id: cylinder as never }, { $set: { cylinderSeq: 2, headHash: 'cd'.repeat(32) } });
    expect(await verify(cylinder)).toMatchObject({ ok: false, reason: 'HEAD_MISMATCH' });
    await projections().updateOne({ _id: cylinder as never }, { $set: { headHash: head.hash } });
    expect(await verify(cylinder)).toMatchObject({ ok: true, events: 3 });
  });
});

describe('a damaged position the log has not integrated yet', () => {
  const incidents = () => expectStatus<{ items: { logPosition: number; kind: string; eventId: string | null; cylinderId: string | null }[] }>(world.as(city).get('/api/v1/ledger/incidents'), 200);

  /** Alters an event after it was stored and before the log integrated it, then signs a checkpoint over it. */
  async function alterBeforeIntegration() {
    const [a, b] = [await kit.newCylinder(), await kit.newCylinder()];
    await post(anEvent('commission', a).at(kit.station).build());
    await post(anEvent('commission', b).at(kit.station).build());
    await log.service.checkpoint();
    const altered = (await post(anEvent('inspect', a).at(kit.station).with({ result: 'pass' }).build())).event;
    await events().updateOne({ eventId: altered.eventId }, { $set: { 'payload.result': 'fail' } });
    const next = (await post(anEvent('inspect', b).at(kit.station).with({ result: 'pass' }).build())).event;
    errorLines.length = 0;
    return { a, b, altered, next, checkpoint: await log.service.checkpoint() };
  }

  it('is logged as a quarantined leaf with its incident, and the rest of the city goes on being logged and signed', async () => {
    const { a, b, altered, next, checkpoint } = await alterBeforeIntegration();
    expect(checkpoint?.treeSize).toBe(next.logSeq + 1);
    expect(await verify(b)).toMatchObject({ ok: true, events: 2, log: { included: 2, pending: 0 } });
    expect(await verify(a)).toMatchObject({ ok: false, reason: 'HASH_MISMATCH', firstBadEventId: altered.eventId });
    expect((await incidents()).items[0]).toMatchObject({ logPosition: altered.logSeq, kind: 'EVENT_ALTERED', eventId: altered.eventId, cylinderId: a });
    expect(errorLines).toEqual([expect.objectContaining({ incident: 'EVENT_ALTERED', logSeq: altered.logSeq, msg: expect.stringContaining('ledger log integrity incident') })]);
    const ready = await world.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.warnings).toEqual([expect.objectContaining({ component: 'ledger-log', code: 'LEDGER_LOG_INCIDENTS', message: expect.stringContaining('1 log position') })]);
  });

  it('waits a grace period at a deleted event, then logs the hole as a gap and signs everything after it', async () => {
    // A city whose log already holds one altered position: the warning below counts both.
    await alterBeforeIntegration();
    const [a, b] = [await kit.newCylinder(), await kit.newCylinder()];
    await post(anEvent('commission', a).at(kit.station).build());
    await post(anEvent('commission', b).at(kit.station).build());
    const signed = await log.service.checkpoint();
    const deleted = (await post(anEvent('inspect', a).at(kit.station).with({ result: 'pass' }).build())).event;
    await events().deleteOne({ eventId: deleted.eventId });
    const after = (await post(anEvent('inspect', b).at(kit.station).with({ result: 'pass' }).build())).event;

    // Within the grace period the hole may still be a commit not yet visible: nothing is decided.
    expect((await log.service.checkpoint())?.treeSize).toBe(signed?.treeSize);
    expect(await verify(b)).toMatchObject({ ok: true, events: 2, log: { included: 1, pending: 1 } });

    clockOffsetMs += 3 * 60_000;
    errorLines.length = 0;
    expect((await log.service.checkpoint())?.treeSize).toBe(after.logSeq + 1);
    expect(await verify(b)).toMatchObject({ ok: true, events: 2, log: { included: 2, pending: 0 } });
    expect((await incidents()).items[0]).toMatchObject({ logPosition: deleted.logSeq, kind: 'EVENT_MISSING', eventId: null });
    expect(errorLines).toEqual([expect.objectContaining({ incident: 'EVENT_MISSING', logSeq: deleted.logSeq })]);
    expect((await world.http.get('/readyz')).body.warnings[0].message).toContain('2 log position');
    // The cylinder that lost its event fails verification as before: the projection still names it.
    expect(await verify(a)).toMatchObject({ ok: false, reason: 'HEAD_MISMATCH' });

    // New events keep being logged and proved.
    const later = (await post(anEvent('fill', b).at(kit.station).with({ tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 40 }).build())).event;
    expect(await verify(b)).toMatchObject({ ok: true, events: 3, log: { included: 3, pending: 0, treeSize: later.logSeq + 1 } });
  });
});
