import { Types } from 'mongoose';
import { aSite, aWorker } from '../../seed/builders';
import { createRegistry } from '../../src/components/registry';
import { silentLogger } from '../foundation/app.harness';
import { expectStatus, SECRETS, startRegistryWorld, type RegistryWorld } from './registry.harness';
import { twoEnterprises, type TwoEnterprises } from './registry.fixture';

type Body = Record<string, unknown> & { id: string };

describe('human keys: a station code and a staff number unique within the enterprise', () => {
  let world: RegistryWorld;
  let f: TwoEnterprises;
  beforeAll(async () => {
    world = await startRegistryWorld('registry_codes');
    f = await twoEnterprises(world);
  });
  afterAll(() => world.stop());

  it('requires a station code and a staff number on create, naming the field', async () => {
    const { code: _code, ...site } = aSite().build();
    const siteProblem = await expectStatus<{ errors: { path: string }[] }>(world.as(f.adminA).post('/api/v1/sites', site), 400);
    expect(siteProblem.errors.map((e) => e.path)).toEqual(['code']);
    const { staffNumber: _staff, ...worker } = aWorker().build();
    const workerProblem = await expectStatus<{ errors: { path: string }[] }>(world.as(f.adminA).post('/api/v1/workers', worker), 400);
    expect(workerProblem.errors.map((e) => e.path)).toEqual(['staffNumber']);
    const bad = await expectStatus<{ errors: { path: string }[] }>(world.as(f.adminA).post('/api/v1/sites', aSite().withCode('=S01').build()), 400);
    expect(bad.errors.map((e) => e.path)).toEqual(['code']);
  });

  it('lets two enterprises both have station S01 and worker W001, and refuses a second one within an enterprise', async () => {
    const mine = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/sites', aSite().withCode('s01').build()), 201);
    expect(mine.code).toBe('S01');
    await expectStatus(world.as(f.adminB).post('/api/v1/sites', aSite().inDistrict('441803').withCode('S01').build()), 201);
    const again = await expectStatus<{ code: string }>(world.as(f.adminA).post('/api/v1/sites', aSite().withCode('S01').build()), 409);
    expect(again.code).toBe('CONFLICT');

    await expectStatus(world.as(f.adminA).post('/api/v1/workers', aWorker().withStaffNumber('W001').build()), 201);
    await expectStatus(world.as(f.adminB).post('/api/v1/workers', aWorker().withStaffNumber('W001').build()), 201);
    await expectStatus(world.as(f.adminA).post('/api/v1/workers', aWorker().withStaffNumber('w001').build()), 409);
  });

  it('renames a station code by PATCH; a code taken in the enterprise is a conflict', async () => {
    await expectStatus(world.as(f.adminA).post('/api/v1/sites', aSite().withCode('S79').build()), 201);
    const site = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/sites', aSite().withCode('S77').build()), 201);
    expect(await expectStatus<Body>(world.as(f.adminA).patch(`/api/v1/sites/${site.id}`, { code: 'S78' }), 200)).toMatchObject({ code: 'S78' });
    await expectStatus(world.as(f.adminA).patch(`/api/v1/sites/${site.id}`, { code: 'S79' }), 409);
  });

  it('gives records registered before codes existed a stable code derived from their id when the registry starts', async () => {
    const sites = world.connection.collection('sites');
    const workers = world.connection.collection('workers');
    const at = new Date();
    const oldSite = new Types.ObjectId();
    const oldWorker = new Types.ObjectId();
    const enterpriseId = new Types.ObjectId(f.enterpriseA);
    await sites.insertOne({ _id: oldSite, enterpriseId, districtCode: '441802', kind: 'supply_point', name: '老供应站', address: '清城区', coordinates: [113.05, 23.68], licence: { number: `OLD-${String(oldSite)}`, validTo: new Date('2030-01-01') }, active: true, createdAt: at, updatedAt: at });
    await workers.insertOne({ _id: oldWorker, enterpriseId, districtCode: '441802', realName: '老员工', idNumberHash: `h-${String(oldWorker)}`, idNumberLast4: '123X', role: 'other', active: true, createdAt: at, updatedAt: at });

    const restart = () => createRegistry({ connection: world.connection, config: { secrets: SECRETS, env: 'test' }, logger: silentLogger });
    await restart();
    const derivedSite = `S${oldSite.toHexString().slice(-8).toUpperCase()}`;
    expect(await sites.findOne({ _id: oldSite })).toMatchObject({ code: derivedSite });
    expect(await workers.findOne({ _id: oldWorker })).toMatchObject({ staffNumber: `W${oldWorker.toHexString().slice(-8).toUpperCase()}` });
    await restart();
    expect(await sites.findOne({ _id: oldSite })).toMatchObject({ code: derivedSite });
    expect(await sites.countDocuments({ code: { $exists: false } })).toBe(0);
  });
});
