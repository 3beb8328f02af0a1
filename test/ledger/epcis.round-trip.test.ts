import { eventHash, eventInput, type LedgerEvent } from '../../src/components/ledger';
import { DEFAULT_EPCIS_OPTIONS, fromEpcisEvents, toEpcisDocument } from '../../src/components/ledger/epcis';
import { isSameEvent } from '../../src/components/ledger/ledger.idempotency';

/** A document this platform exported, captured back, must be the very same events (duplicates, not conflicts). */
function stored(fields: Partial<LedgerEvent>): LedgerEvent {
  const base = {
    eventId: '0b5c7b8e-2f43-4c1a-9a3e-6c2f1d7e9a10',
    logSeq: 7,
    cylinderId: '665f1c2e9b1d8c0012345678',
    grai: '06901234000015123',
    enterpriseId: '665f1c2e9b1d8c0012345600',
    districtCode: '441802',
    type: 'fill' as const,
    occurredAt: new Date('2025-06-01T00:30:00.123Z'),
    receivedAt: new Date('2025-06-01T00:31:00Z'),
    actor: { kind: 'user' as const, id: 'u1', role: 'filling_operator' },
    where: { siteId: '665f1c2e9b1d8c0012345699', coordinates: [113.05, 23.68] as [number, number] },
    payload: { tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 42 },
    bizStep: 'urn:lpg-trace:voc:bizstep:filling',
    disposition: 'urn:epcglobal:cbv:disp:sellable_not_accessible',
    fromState: 'inspected_at_station' as const,
    toState: 'full_at_station' as const,
    cylinderSeq: 2,
    prevHash: 'a'.repeat(64),
    ...fields,
  };
  return { ...base, hash: eventHash(base) };
}

const capturedBack = (events: LedgerEvent[], erroneous: LedgerEvent[] = []) => {
  const doc = toEpcisDocument(events, new Map(erroneous.map((e) => [e.eventId, e])), DEFAULT_EPCIS_OPTIONS, new Date()) as { epcisBody: { eventList: unknown[] } };
  return fromEpcisEvents(doc.epcisBody.eventList, (name) => `derived:${name}`).map((item) => eventInput.parse(item.input));
};

describe('EPCIS export captured back', () => {
  it('is the same event even when the event had a position beside its site', () => {
    const event = stored({});
    const [input] = capturedBack([event]);
    expect(input?.eventId).toBe(event.eventId);
    expect(isSameEvent(input as never, event)).toBe(true);
  });

  it.each([[{}], [{ siteId: '665f1c2e9b1d8c0012345698' }]])('is the same error declaration, its note and own place (%j) included', (where) => {
    const erroneous = stored({});
    const declaration = stored({
      eventId: '1b5c7b8e-2f43-4c1a-9a3e-6c2f1d7e9a11',
      type: 'error_declaration',
      where,
      payload: { declaredEventId: erroneous.eventId, reason: 'incorrect_data', note: 'scale misread' },
      cylinderSeq: 3,
    });
    const [input] = capturedBack([declaration], [erroneous]);
    expect(input?.eventId).toBe(declaration.eventId);
    expect(isSameEvent(input as never, declaration)).toBe(true);
  });
});
