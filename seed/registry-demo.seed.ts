import { Types } from 'mongoose';
import type { Principal } from '../src/components/auth';
import { createRegistry } from '../src/components/registry';
import { aCredential, aCustomer, aCylinder, aSite, aVehicle, aWorker, anEnterprise } from './builders';
import type { Seeder } from './development.seed';

/** The seed writes as a city regulator named "demo-seed", so its records show up in the audit trail. */
const SEED_ACTOR: Principal = { kind: 'user', userId: new Types.ObjectId().toHexString(), username: 'demo-seed', role: 'city_regulator' };

const ENTERPRISES = [
  { name: '清远市安达燃气有限公司', district: '441802', licence: (c: ReturnType<typeof aCredential>) => c.valid(), station: [113.0561, 23.6817], points: [['441802', 113.04, 23.7], ['441881', 113.405, 24.186]] },
  { name: '英德市恒通液化气有限公司', district: '441881', licence: (c: ReturnType<typeof aCredential>) => c.expiring(12), station: [113.41, 24.18], points: [['441882', 112.377, 24.78]] },
  { name: '佛冈县顺安燃气有限公司', district: '441821', licence: (c: ReturnType<typeof aCredential>) => c.valid(), station: [113.532, 23.879], points: [] },
] as const;

/** The enterprise's own administrator, for what the demo needs an enterprise to have submitted itself. */
const enterpriseActor = (enterpriseId: string, districtCode: string): Principal => ({
  kind: 'user',
  userId: new Types.ObjectId().toHexString(),
  username: 'demo-seed-enterprise',
  role: 'enterprise_admin',
  enterpriseId,
  districtCode,
});

/**
 * A Qingyuan demo: three enterprises, their filling stations and supply points in five of the eight
 * districts, vehicles, trained and untrained workers, households and a restaurant, and 50 cylinders
 * including overdue and over-age ones. The seed writes as the city regulator, so its credentials
 * arrive verified, except the cases the demo shows: 安达's newest supply point was registered by the
 * enterprise itself and its licence awaits verification; 恒通's expiring licence has a renewal
 * awaiting verification; 顺安's licence was suspended by the city, with a reason.
 */
export const registryDemoSeeder: Seeder = {
  name: 'registry-demo',
  async run({ connection, logger, config }) {
    const registry = await createRegistry({ connection, config, logger });
    const s = registry.services;
    let cylinders = 0;
    for (const [i, e] of ENTERPRISES.entries()) {
      const enterprise = await s.enterprises.create(SEED_ACTOR, anEnterprise().named(e.name).inDistrict(e.district).withLicence(e.licence).build());
      const enterpriseId = String(enterprise.id);
      const station = await s.sites.create(
        SEED_ACTOR,
        aSite().fillingStation().forEnterprise(enterpriseId).named(`${e.name.slice(0, 4)}充装站`).withCode('S01').inDistrict(e.district).at(e.station[0], e.station[1]).build(),
      );
      for (const [j, [district, lng, lat]] of e.points.entries()) {
        await s.sites.create(SEED_ACTOR, aSite().forEnterprise(enterpriseId).named(`${e.name.slice(0, 4)}供应点${j + 1}`).withCode(`S0${j + 2}`).inDistrict(district).at(lng, lat).build());
      }
      await s.vehicles.create(SEED_ACTOR, aVehicle().forEnterprise(enterpriseId).build());
      if (i === 1) await s.vehicles.create(SEED_ACTOR, aVehicle().forEnterprise(enterpriseId).withoutPermit().build());
      await s.workers.create(SEED_ACTOR, aWorker().forEnterprise(enterpriseId).withStaffNumber('W001').fillingOperator().atSite(String(station.id)).build());
      await s.workers.create(SEED_ACTOR, aWorker().forEnterprise(enterpriseId).withStaffNumber('W002').build());
      await s.workers.create(SEED_ACTOR, aWorker().forEnterprise(enterpriseId).withStaffNumber('W003')[i === 0 ? 'untrained' : 'withExpiredCertificate']().build());
      await s.customers.create(SEED_ACTOR, aCustomer().forEnterprise(enterpriseId).inDistrict(e.district).build());
      await s.customers.create(SEED_ACTOR, aCustomer().forEnterprise(enterpriseId).inDistrict(e.district).build());
      await s.customers.create(SEED_ACTOR, aCustomer().forEnterprise(enterpriseId).inDistrict(e.district).business().build());
      const count = i === 0 ? 24 : 13;
      const rows = Array.from({ length: count }, (_, k) => {
        const b = aCylinder().forEnterprise(enterpriseId).registeredTo(String(station.id)).ofSize(([15, 15, 5, 50] as const)[k % 4] ?? 15);
        if (k === 0) b.overdue();
        if (k === 1 && i === 0) b.pastServiceLife();
        return b.build();
      });
      const result = await registry.bulkUpsert.upsertMany('cylinders', rows, SEED_ACTOR, { dryRun: false });
      if (result.errors.length > 0) throw new Error(`registry demo seed: ${JSON.stringify(result.errors)}`);
      cylinders += result.created;
      const own = enterpriseActor(enterpriseId, e.district);
      if (i === 0) {
        await s.sites.create(own, aSite().named(`${e.name.slice(0, 4)}新设供应点`).inDistrict(e.district).at(113.062, 23.69).build());
      }
      if (i === 1) {
        const renewal = aCredential('粤清燃经').withScope('瓶装液化石油气', '清远市城市管理和综合执法局').build();
        await registry.credentials.apply(own, 'enterprises', enterpriseId, 'licence', 'submit', { number: renewal.number, scope: renewal.scope, issuer: renewal.issuer, validFrom: renewal.validFrom, validTo: renewal.validTo });
      }
      if (i === 2) {
        await registry.credentials.apply(SEED_ACTOR, 'enterprises', enterpriseId, 'licence', 'suspend', { reason: '年度安全检查不合格，责令停业整改' });
      }
    }
    logger.info({ enterprises: ENTERPRISES.length, cylinders }, 'registry demo data seeded (清远)');
  },
};
