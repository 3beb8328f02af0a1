import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Types } from 'mongoose';
import type { Principal } from '../../src/components/auth';
import { createEpcis } from '../../src/components/ledger/epcis';
import { MemoryLedger } from './ledger-log.fixture';

const ROOT = resolve(__dirname, '../..');
// The copy beside the tests first; the shared standards folder next to the clone otherwise.
const SCHEMA_PATH = [resolve(__dirname, 'fixtures/EPCIS-JSON-Schema.json'), resolve(ROOT, '../shared/standards/epcis/EPCIS-JSON-Schema.json')].find(existsSync);

let validate: ValidateFunction;
beforeAll(() => {
  if (!SCHEMA_PATH) throw new Error('EPCIS-JSON-Schema.json not found');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
});

const auditor: Principal = { kind: 'user', userId: new Types.ObjectId().toHexString(), username: 'auditor', role: 'auditor' };
type Doc = { '@context': unknown[]; epcisBody: { eventList: Record<string, unknown>[] } };

function world() {
  const ledger = new MemoryLedger();
  const epcis = createEpcis({ source: ledger, cylinderVisible: async (_p, id) => id !== 'c-hidden' });
  return { ledger, epcis };
}

describe('EPCIS 2.0 export', () => {
  it('validates against the GS1 EPCIS JSON schema, error declarations and extensions included', async () => {
    const { ledger, epcis } = world();
    const events = ledger.lifecycle('c-0101', ['commission', 'inspect', 'fill', 'dispatch', 'receive', 'hand_over', 'return_empty', 'scrap']);
    ledger.append('c-0101', 'error_declaration', { payload: { declaredEventId: events[4]?.eventId, reason: 'incorrect_data', correctiveEventIds: [events[5]?.eventId] } });
    const doc = (await epcis.service.export(auditor, { cylinderId: 'c-0101', limit: 1000 })) as Doc;
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(doc.epcisBody.eventList).toHaveLength(9);
  });

  it('a document with a made-up CBV term or without an event time does not validate (the check can fail)', async () => {
    const { ledger, epcis } = world();
    ledger.lifecycle('c-0102', ['commission']);
    const doc = (await epcis.service.export(auditor, { limit: 10 })) as Doc;
    const event = doc.epcisBody.eventList[0] as Record<string, unknown>;
    expect(validate({ ...doc, epcisBody: { eventList: [{ ...event, bizStep: 'urn:epcglobal:cbv:bizstep:filling' }] } })).toBe(false);
    const { eventTime: _t, ...timeless } = event;
    expect(validate({ ...doc, epcisBody: { eventList: [timeless] } })).toBe(false);
  });

  it('maps identity, vocabulary, places and times the way the extension document says', async () => {
    const { ledger, epcis } = world();
    const [commission, , fill, dispatch] = ledger.lifecycle('c-0103', ['commission', 'inspect', 'fill', 'dispatch']);
    const doc = (await epcis.service.export(auditor, { cylinderId: 'c-0103', limit: 10 })) as Doc;
    const [first, , filled, shipped] = doc.epcisBody.eventList;
    expect(doc['@context']).toEqual(['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { lpg: 'urn:lpg-trace:voc:' }]);
    expect(first).toMatchObject({
      type: 'ObjectEvent',
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      epcList: [`https://id.gs1.org/8003/${commission?.grai}`],
      eventID: `urn:uuid:${commission?.eventId}`,
      eventTime: commission?.occurredAt.toISOString(),
      eventTimeZoneOffset: '+08:00',
      readPoint: { id: `urn:lpg-trace:voc:site:${'a'.repeat(24)}` },
      'lpg:hash': commission?.hash,
    });
    expect(filled).toMatchObject({ action: 'OBSERVE', bizStep: 'urn:lpg-trace:voc:bizstep:filling', disposition: 'sellable_not_accessible', 'lpg:prevHash': fill?.prevHash });
    expect(shipped).toMatchObject({ bizStep: 'shipping', disposition: 'in_transit', 'lpg:toState': dispatch?.toState });
    expect(shipped).not.toHaveProperty('bizLocation');
  });

  it('repeats the erroneous event with its errorDeclaration, as EPCIS 2.0 prescribes', async () => {
    const { ledger, epcis } = world();
    const [, wrong] = ledger.lifecycle('c-0104', ['commission', 'inspect']);
    const declaring = ledger.append('c-0104', 'error_declaration', { payload: { declaredEventId: wrong?.eventId, reason: 'did_not_occur' } });
    const from = new Date(declaring.occurredAt.getTime() - 1);
    const doc = (await epcis.service.export(auditor, { from, limit: 10 })) as Doc;
    expect(doc.epcisBody.eventList).toHaveLength(1);
    expect(doc.epcisBody.eventList[0]).toMatchObject({
      eventID: `urn:uuid:${wrong?.eventId}`,
      bizStep: 'inspecting',
      errorDeclaration: { declarationTime: declaring.occurredAt.toISOString(), reason: 'did_not_occur', 'lpg:declaringEventID': `urn:uuid:${declaring.eventId}` },
    });
    expect(validate(doc)).toBe(true);
  });

  it('answers 404 for a cylinder outside the caller\'s scope and gives a district regulator its district only', async () => {
    const { ledger, epcis } = world();
    ledger.lifecycle('c-0105', ['commission']);
    ledger.append('c-0106', 'commission', { districtCode: '441881' });
    await expect(epcis.service.export(auditor, { cylinderId: 'c-hidden', limit: 10 })).rejects.toMatchObject({ status: 404 });
    const district: Principal = { ...auditor, role: 'district_regulator', districtCode: '441881' };
    const doc = (await epcis.service.export(district, { limit: 10 })) as Doc;
    expect(doc.epcisBody.eventList.map((e) => e['lpg:eventType'])).toEqual(['commission']);
    expect(doc.epcisBody.eventList[0]?.epcList).toEqual([`https://id.gs1.org/8003/${ledger.events[1]?.grai}`]);
  });
});
