/**
 * Bulk import benchmark (issue 4): 10,000 cylinder rows, GBK-encoded with Chinese headers as Chinese
 * Excel saves them, imported through HTTP into the embedded server (in its own process). Each run
 * imports into a fresh enterprise; right after it, the driver's raw insertMany of the same 10,000
 * documents is timed as the baseline, so machine noise hits both alike. Run: npm run bench:import
 */
import iconv from 'iconv-lite';
import { ObjectId } from 'mongodb';
import pino from 'pino';
import { createApp } from '../src/app';
import { signAccessToken, type Principal } from '../src/components/auth';
import { createComponents } from '../src/components';
import { connectDatabase } from '../src/shared/db/database.connection';
import { listenOnFreePort } from '../test/foundation/app.harness';
import { startServerProcess } from '../test/support/embedded-server.process';
import { median, report } from './lib/bench';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const RUNS = 3;
// The import validates, resolves sites, writes in a transaction and audits; from what this 2-core
// shared machine measured (bench/README.md), it should stay within this factor of a raw insertMany.
const IMPORT_VS_INSERT_MANY = 20;
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', QR_SIGNING_SECRET: 'bench-qr-secret-0123456789abcdef', PII_HASH_SECRET: 'bench-pii-secret-0123456789abcdef', LEDGER_SIGNING_KEY: 'bench-ledger-key-0123456789abcdef' };

function cylinderCsv(run: number, siteId: string): Buffer {
  const lines = ['钢印号,制造单位,制造日期,公称容量,皮重,上次检验日期,充装站'];
  for (let i = 0; i < ROWS; i++) {
    const kg = [5, 15, 50][i % 3] as number;
    lines.push(`R${run}-${String(i).padStart(6, '0')},广东省佛山市燃气具制造厂,2021/${(i % 12) + 1}/${(i % 28) + 1},${kg},${kg * 0.9 + 1},2024-${String((i % 12) + 1).padStart(2, '0')}-01,${siteId}`);
  }
  return iconv.encode(lines.join('\r\n'), 'gbk');
}

/** The stored shape of the same rows, for the driver baseline. */
function cylinderDocs(run: number, enterpriseId: string, siteId: string) {
  return Array.from({ length: ROWS }, (_, i) => ({
    enterpriseId: new ObjectId(enterpriseId),
    districtCode: '441802',
    serial: `R${run}-${String(i).padStart(6, '0')}`,
    manufacturer: '广东省佛山市燃气具制造厂',
    manufactureDate: new Date(Date.UTC(2021, i % 12, (i % 28) + 1)),
    nominalKg: [5, 15, 50][i % 3],
    tareKg: ([5, 15, 50][i % 3] as number) * 0.9 + 1,
    fillingSiteId: new ObjectId(siteId),
    lastInspectionDate: new Date(Date.UTC(2024, i % 12, 1)),
    nextInspectionDate: new Date(Date.UTC(2028, i % 12, 1)),
    designLifeYears: 15,
    active: true,
    createdAt: new Date(),
    updatedAt: new Date(),
  }));
}

async function main(): Promise<void> {
  const server = await startServerProcess();
  // A long import keeps the embedded server busy; the driver's monitor must not give up on it meanwhile.
  const uri = `${server.uri}${server.uri.includes('?') ? '&' : '?'}connectTimeoutMS=600000&socketTimeoutMS=0`;
  const database = await connectDatabase(uri, { mode: 'embedded', engine: 'lpg-embedded', name: 'bench_import' });
  const logger = pino({ level: 'silent' });
  const modules = await createComponents({ connection: database.connection, config: { secrets: SECRETS, env: 'test' }, logger });
  const http = await listenOnFreePort(createApp({ config: { isProduction: false, http: { bodyLimit: '100kb' } }, logger, database, modules }));
  const post = async (path: string, token: string, body: unknown) => {
    const res = await fetch(`${http.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  // Accounts are inserted straight into the database, as the admin CLI would; the tokens carry their ids.
  const tokenFor = async (username: string, role: Principal['role'], enterpriseId?: string): Promise<string> => {
    const at = new Date();
    const { insertedId } = await database.connection.collection('users').insertOne({
      username, displayName: username, role, enterpriseId: enterpriseId ? new ObjectId(enterpriseId) : null, districtCode: null, workerId: null,
      active: true, passwordHash: 'x', passwordChangedAt: at, failedLoginCount: 0, lockedUntil: null, createdAt: at, updatedAt: at,
    });
    return signAccessToken(SECRETS.JWT_SECRET, { kind: 'user', userId: insertedId.toHexString(), username, role, ...(enterpriseId ? { enterpriseId } : {}) });
  };
  const cityToken = await tokenFor('bench-city', 'city_regulator');
  const importMs: number[] = [];
  const insertMs: number[] = [];
  const ratios: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const enterprise = await post('/api/v1/enterprises', cityToken, {
        name: `清远燃气${run}有限公司`, districtCode: '441802', address: '清城区松岗大道1号',
        licence: { number: `粤QY-B-${run}-${Date.now()}`, scope: '瓶装液化石油气', issuer: '清远市城市管理和综合执法局', validFrom: '2024-01-01', validTo: '2029-01-01' },
      });
      const enterpriseId = String(enterprise.id);
      const site = await post('/api/v1/sites', cityToken, {
        enterpriseId, kind: 'filling_station', name: `清城充装站${run}`, code: 'S01', districtCode: '441802', address: '清城区源潭镇', coordinates: [113.05, 23.68],
        licence: { number: `SITE-B-${run}-${Date.now()}`, validTo: '2029-01-01' }, fillingLicence: { number: `TS-B-${run}-${Date.now()}`, validTo: '2029-01-01' },
      });
      const adminToken = await tokenFor(`bench-admin-${run}`, 'enterprise_admin', enterpriseId);
      const csv = cylinderCsv(run, String(site.id));

      const started = performance.now();
      const res = await fetch(`${http.url}/api/v1/imports/cylinders?dryRun=false`, {
        method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' }, body: csv,
      });
      const body = (await res.json()) as { created?: number; errorCount?: number; errors?: unknown[] };
      const elapsed = performance.now() - started;
      if (res.status !== 200 || body.created !== ROWS) throw new Error(`import run ${run}: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);

      const scratch = database.connection.db!.collection(`bench_insert_${run}`);
      const docs = cylinderDocs(run, enterpriseId, String(site.id));
      const insertStarted = performance.now();
      await scratch.insertMany(docs, { ordered: true });
      const insertElapsed = performance.now() - insertStarted;

      importMs.push(elapsed);
      insertMs.push(insertElapsed);
      ratios.push(elapsed / insertElapsed);
      process.stdout.write(`run ${run + 1}: import ${elapsed.toFixed(0)} ms (${((ROWS / elapsed) * 1000).toFixed(0)} rows/s), insertMany ${insertElapsed.toFixed(0)} ms, ratio ${(elapsed / insertElapsed).toFixed(2)}\n`);
    }
  } finally {
    await http.close();
    await database.close();
    server.kill('SIGTERM');
    await server.exited;
  }
  const ms = median(importMs);
  const ratio = median(ratios);
  report(
    'registry-import',
    [
      { name: `import time of ${ROWS} GBK cylinder rows through HTTP / raw driver insertMany of the same documents (median of ${RUNS})`, value: ratio, unit: '×', target: `≤ ${IMPORT_VS_INSERT_MANY}`, met: ratio <= IMPORT_VS_INSERT_MANY,
        absolute: { value: ms / 1000, unit: 's' }, baseline: { name: 'raw insertMany', value: median(insertMs) / 1000, unit: 's' } },
      { name: 'import rate / raw insertMany rate', value: 1 / ratio, unit: '×', target: 'reported', met: true,
        absolute: { value: (ROWS / ms) * 1000, unit: 'rows/s' }, baseline: { name: 'raw insertMany', value: (ROWS / median(insertMs)) * 1000, unit: 'docs/s' } },
    ],
    { rows: ROWS, runs: RUNS, importMs, insertManyMs: insertMs, ratios },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
