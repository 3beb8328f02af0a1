import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createCheckpointSigner } from '../../src/components/ledger/log';
import { leafHash } from '../../src/components/ledger/log/merkle';
import { MerkleTree } from '../../src/components/ledger/log/merkle.tree';
import { BUNDLE_FORMAT, type ExportBundle } from '../../src/components/ledger/log/log.schemas';
import { MemoryLedger } from './ledger-log.fixture';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'src/components/ledger/log/verify.cli.ts');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ledger-verify-'));
const signer = createCheckpointSigner('cli-test-signing-key-0123456789abcdefgh');

/** A bundle as GET /cylinders/:id/export builds it: chain, proofs, signed checkpoint. */
function goodBundle(): ExportBundle {
  const ledger = new MemoryLedger();
  ledger.lifecycle('c-0007');
  ledger.lifecycle('c-0008', ['commission']);
  ledger.lifecycle('c-0007', ['return_empty']);
  const tree = MerkleTree.of(ledger.events.map((e) => leafHash(Buffer.from(e.hash, 'hex'))));
  const checkpoint = signer.sign({ treeSize: tree.size, rootHash: tree.root().toString('hex'), timestamp: new Date().toISOString() });
  const chain = ledger.events.filter((e) => e.cylinderId === 'c-0007');
  return {
    format: BUNDLE_FORMAT,
    cylinderId: 'c-0007',
    exportedAt: new Date().toISOString(),
    checkpoint,
    events: JSON.parse(JSON.stringify(chain)),
    proofs: chain.map((e) => ({
      eventId: e.eventId,
      leafIndex: e.logSeq,
      treeSize: tree.size,
      leafHash: tree.leafHash(e.logSeq).toString('hex'),
      auditPath: tree.inclusionProof(e.logSeq).map((h) => h.toString('hex')),
    })),
  };
}

async function verify(bundle: unknown, publicKeyPem = signer.publicKeyPem): Promise<{ code: number; out: string }> {
  const name = `b${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(bundle));
  writeFileSync(join(dir, `${name}.pem`), publicKeyPem);
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, '--bundle', join(dir, `${name}.json`), '--public-key', join(dir, `${name}.pem`)], { cwd: ROOT });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run ledger:verify (offline, public key only)', () => {
  const bundle = goodBundle();

  it('accepts a good export', async () => {
    const { code, out } = await verify(bundle);
    expect(out).toMatch(/^OK: cylinder c-0007, 8 event\(s\)/);
    expect(code).toBe(0);
  });

  it('rejects an altered payload and names the event', async () => {
    const altered = structuredClone(bundle);
    (altered.events[2] as unknown as { payload: { netKg: number } }).payload.netKg = 20;
    const { code, out } = await verify(altered);
    expect(code).toBe(1);
    expect(out).toContain(`FAIL: event ${bundle.events[2]?.eventId} (#2): content does not match its hash`);
  });

  it('rejects reordered events', async () => {
    const reordered = structuredClone(bundle);
    [reordered.events[3], reordered.events[4]] = [reordered.events[4]!, reordered.events[3]!];
    const { code, out } = await verify(reordered);
    expect(code).toBe(1);
    expect(out).toContain(`FAIL: event ${bundle.events[4]?.eventId} (#3)`);
  });

  it('rejects an event dropped from the middle of the chain', async () => {
    const gap = structuredClone(bundle);
    gap.events.splice(5, 1);
    const { code, out } = await verify(gap);
    expect(code).toBe(1);
    expect(out).toContain(`event ${bundle.events[6]?.eventId}`);
  });

  it('rejects a bad checkpoint signature and a foreign key', async () => {
    const forged = structuredClone(bundle);
    forged.checkpoint.signature = Buffer.alloc(64, 7).toString('base64');
    expect(await verify(forged)).toMatchObject({ code: 1, out: expect.stringContaining('signature does not verify') });
    const other = createCheckpointSigner('another-signing-key-0123456789abcdefghij');
    expect(await verify(bundle, other.publicKeyPem)).toMatchObject({ code: 1, out: expect.stringContaining('signature does not verify') });
  });

  it('rejects an event re-hashed after editing (its inclusion proof no longer fits the signed root)', async () => {
    const { eventHash } = await import('../../src/components/ledger/ledger.canonical');
    const rehashed = structuredClone(bundle);
    const last = rehashed.events[7] as Record<string, unknown>;
    last.payload = { note: 'rewritten' };
    const { hash: _old, ...content } = last;
    last.hash = eventHash(JSON.parse(JSON.stringify(content)));
    const { code, out } = await verify(rehashed);
    expect(code).toBe(1);
    expect(out).toContain(`event ${bundle.events[7]?.eventId} (#7)`);
  });

  it('rejects a file that is not an export bundle', async () => {
    const { code, out } = await verify({ not: 'a bundle' });
    expect(code).toBe(1);
    expect(out).toContain('not an export bundle');
  });
});
