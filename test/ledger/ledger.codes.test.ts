import { aCustomer, aCylinder, aSite, aVehicle, anEnterprise } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import { anEvent, expectStatus, inManualMode, principal, startLedgerWorld, type LedgerWorld } from './ledger.harness';

type Problem = { code: string; detail: string; errors?: { path: string }[] };
type Outcome = { status: string; reason?: string; detail?: string; event?: { cylinderId: string; where: Record<string, unknown>; payload: Record<string, unknown> } };

interface Kit {
  enterpriseId: string;
  admin: Principal;
  station: string;
  supplyPoint: string;
  vehicle: string;
  plate: string;
  cylinder(serial: string): Promise<string>;
}

/** The event API names sites by station code, vehicles by plate and cylinders by steel-stamp serial. */
describe('events by human code', () => {
  let world: LedgerWorld;
  let a: Kit;
  let b: Kit;

  // Registered by the city regulator, so every credential counts whoever decides on them.
  async function kit(districtCode: string, plate: string): Promise<Kit> {
    const city = world.as(principal('city_regulator'));
    const id = async (path: string, body: object) => (await expectStatus<{ id: string }>(city.post(path, body), 201)).id;
    const enterpriseId = await id('/api/v1/enterprises', anEnterprise().inDistrict(districtCode).build());
    const station = await id('/api/v1/sites', aSite().fillingStation().forEnterprise(enterpriseId).withCode('S01').inDistrict(districtCode).build());
    // Fills recorded through POST /events need the station in manual mode (issue 12).
    await inManualMode(world, station);
    const supplyPoint = await id('/api/v1/sites', aSite().forEnterprise(enterpriseId).withCode('S02').inDistrict(districtCode).build());
    const vehicle = await id('/api/v1/vehicles', aVehicle().forEnterprise(enterpriseId).withPlate(plate).build());
    await id('/api/v1/customers', aCustomer().forEnterprise(enterpriseId).inDistrict(districtCode).build());
    return {
      enterpriseId,
      admin: principal('enterprise_admin', { enterpriseId }),
      station,
      supplyPoint,
      vehicle,
      plate,
      cylinder: (serial) => id('/api/v1/cylinders', aCylinder().forEnterprise(enterpriseId).withSerial(serial).registeredTo(station).build()),
    };
  }

  beforeAll(async () => {
    world = await startLedgerWorld('ledger_codes');
    a = await kit('441802', '粤R3A001');
    // Enterprise B has a station S01 and a cylinder with A's serial too: codes are per enterprise.
    b = await kit('441803', '粤R3B001');
  });
  afterAll(() => world.stop());

  const bySerial = (event: ReturnType<ReturnType<typeof anEvent>['build']>, serial: string) => {
    const { cylinderId: _id, ...rest } = event;
    return { ...rest, serial };
  };
  const post = (kit: Kit, body: object) => world.as(kit.admin).post('/api/v1/events', body);

  it('takes a cylinder by serial, the station by code and the vehicle by plate, and stores the ids they name', async () => {
    const cylinder = await a.cylinder('KEY-0001');
    await b.cylinder('KEY-0001');
    const commission = anEvent('commission', '').build();
    const first = await expectStatus<Outcome>(post(a, { ...bySerial(commission, 'key-0001'), where: { siteCode: 's01' } }), 201);
    expect(first.event).toMatchObject({ cylinderId: cylinder, where: { siteId: a.station } });
    expect(first.event?.where).not.toHaveProperty('siteCode');

    const inspect = { ...bySerial(anEvent('inspect', '').with({ result: 'pass' }).build(), 'KEY-0001'), where: { siteCode: 'S01' } };
    await expectStatus(post(a, inspect), 201);
    const fill = { ...bySerial(anEvent('fill', '').with({ tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 42 }).build(), 'KEY-0001'), where: { siteCode: 'S01' } };
    await expectStatus(post(a, fill), 201);
    const dispatch = await expectStatus<Outcome>(post(a, { ...anEvent('dispatch', cylinder).with({ vehiclePlate: '粤R3A001' }).build() }), 201);
    expect(dispatch.event).toMatchObject({ where: { vehicleId: a.vehicle }, payload: { vehicleId: a.vehicle } });
    const receive = await expectStatus<Outcome>(post(a, anEvent('receive', cylinder).with({ siteCode: 'S02' }).build()), 201);
    expect(receive.event).toMatchObject({ where: { siteId: a.supplyPoint }, payload: { siteId: a.supplyPoint } });
    expect(await world.ledger.cylinderState(cylinder)).toMatchObject({ state: 'at_supply_point', place: { siteId: a.supplyPoint } });
  });

  it('refuses an unknown station code, naming the field and the value, and appends nothing', async () => {
    const cylinder = await a.cylinder('KEY-0002');
    const event = { ...anEvent('commission', cylinder).build(), where: { siteCode: 'S99' } };
    const problem = await expectStatus<Problem>(post(a, event), 422);
    expect(problem).toMatchObject({ code: 'REFERENCE_NOT_FOUND', detail: 'where.siteCode: no site "S99" of the enterprise' });
    expect(await world.ledger.cylinderState(cylinder)).toBeNull();
    expect(await world.connection.collection('rejected_events').findOne({ eventId: event.eventId })).toMatchObject({ reason: 'REFERENCE_NOT_FOUND' });
  });

  it('treats another enterprise\'s plate and serial exactly like missing ones', async () => {
    const cylinder = await a.cylinder('KEY-0003');
    await b.cylinder('ONLY-B-0001');
    const plate = await expectStatus<Problem>(post(a, anEvent('dispatch', cylinder).with({ vehiclePlate: b.plate }).build()), 422);
    expect(plate).toMatchObject({ code: 'REFERENCE_NOT_FOUND', detail: `payload.vehiclePlate: no vehicle "${b.plate}" of the enterprise` });
    const missing = await expectStatus<Problem>(post(a, anEvent('dispatch', cylinder).with({ vehiclePlate: '粤R9Z999' }).build()), 422);
    expect(missing.detail).toBe('payload.vehiclePlate: no vehicle "粤R9Z999" of the enterprise');
    const serial = await expectStatus<Problem>(post(a, { ...bySerial(anEvent('commission', '').build(), 'ONLY-B-0001'), where: { siteCode: 'S01' } }), 404);
    expect(serial).toMatchObject({ code: 'CYLINDER_NOT_FOUND', detail: 'serial: no cylinder "ONLY-B-0001" of the enterprise' });
  });

  it('answers a code beside the id it replaces, or no cylinder at all, with 400 naming the field', async () => {
    const cylinder = await a.cylinder('KEY-0004');
    const both = await expectStatus<Problem>(post(a, { ...anEvent('commission', cylinder).at(a.station).build(), where: { siteId: a.station, siteCode: 'S01' } }), 400);
    expect(both.errors?.map((e) => e.path)).toEqual(['where.siteCode']);
    const twice = await expectStatus<Problem>(post(a, { ...anEvent('commission', cylinder).build(), serial: 'KEY-0004' }), 400);
    expect(twice.errors?.map((e) => e.path)).toEqual(['serial']);
    const { cylinderId: _c, ...none } = anEvent('commission', cylinder).build();
    const nothing = await expectStatus<Problem>(post(a, none), 400);
    expect(nothing.errors?.map((e) => e.path)).toEqual(['cylinderId']);
    const noVehicle = await expectStatus<Problem>(post(a, anEvent('dispatch', cylinder).build()), 400);
    expect(noVehicle.errors?.map((e) => e.path)).toEqual(['payload.vehicleId']);
  });

  it('resolves a batch\'s codes event by event: one unknown code refuses only its own event', async () => {
    const c5 = await a.cylinder('KEY-0005');
    const c6 = await a.cylinder('KEY-0006');
    const res = await expectStatus<{ results: Outcome[] }>(
      world.as(a.admin).post('/api/v1/events/batch', {
        events: [{ ...anEvent('commission', c5).build(), where: { siteCode: 'S01' } }, { ...anEvent('commission', c6).build(), where: { siteCode: 'NOPE' } }],
      }),
      200,
    );
    expect(res.results.map((r) => r.reason ?? r.status)).toEqual(['accepted', 'REFERENCE_NOT_FOUND']);
    expect(res.results[1]?.detail).toBe('where.siteCode: no site "NOPE" of the enterprise');
  });

  // A regulator records periodic inspections (it has no enterprise): its codes name the cylinder's enterprise's records.
  it('resolves the codes of an actor without an enterprise within the enterprise of the cylinder it names by id', async () => {
    const cylinder = await b.cylinder('KEY-0007');
    await expectStatus(world.as(b.admin).post('/api/v1/events', { ...anEvent('commission', cylinder).build(), where: { siteCode: 'S01' } }), 201);
    const actor = { kind: 'user' as const, id: 'city-1', role: 'city_regulator' };
    const inspection = () => anEvent('periodic_inspection', cylinder).with({ result: 'pass', nextInspectionDate: '2030-01-01' }).build();
    const accepted = await world.ledger.append({ ...inspection(), where: { siteCode: 'S01' } }, actor);
    expect(accepted).toMatchObject({ status: 'accepted', event: { where: { siteId: b.station } } });
    const bySerialOnly = await world.ledger.append({ ...bySerial(anEvent('periodic_inspection', '').with({ result: 'pass', nextInspectionDate: '2030-01-01' }).build(), 'KEY-0007'), where: { siteCode: 'S01' } }, actor);
    expect(bySerialOnly).toMatchObject({ status: 'rejected', reason: 'VALIDATION_FAILED', detail: expect.stringContaining('serial: names a record within an enterprise') });
  });
});
