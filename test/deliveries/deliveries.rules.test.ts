import { contentHash, differences, storedContent } from '../../src/components/deliveries/deliveries.content';
import { eventsOf } from '../../src/components/deliveries/deliveries.flows';
import { sniffImage } from '../../src/components/deliveries/media.service';
import { hazardsOf, itemsCleared, SAFETY_ITEM_KEYS } from '../../src/components/deliveries/safety-check.items';
import type { FlowInput } from '../../src/components/deliveries/deliveries.schemas';
import { aPng, checklist } from './deliveries.harness';

/** The deliveries' pure rules: what a flow records, how a resend is compared, what a check finds. */
const SECRET = 'rules-test-secret-0123456789abcdef0123';
const VISIT = '3f0c8a52-7d1e-4b8e-9a61-2c4d5e6f7a80';
const visit = (extra: Partial<FlowInput & { kind: 'visit' }> = {}): FlowInput => ({
  kind: 'visit',
  visitId: VISIT,
  occurredAt: '2025-06-01T10:30:00+08:00',
  customerId: '665f1c2e9b1d8c0012345678',
  deliver: { cylinders: [{ cylinderId: '665f1c2e9b1d8c00123456a1' }] },
  collect: { returnTo: '665f1c2e9b1d8c00123456b1', cylinders: [{ cylinderId: '665f1c2e9b1d8c00123456a2', condition: 'empty' }] },
  confirmation: { method: 'phone_last4', phoneLast4: '1234' },
  ...extra,
}) as FlowInput;

describe('deliveries rules (pure)', () => {
  it('records an exchange as the hand-over then the collection, each id derived from the visit, the role and the cylinder', () => {
    const events = eventsOf(visit(), { customerId: '665f1c2e9b1d8c0012345678', method: 'phone_last4' }, (name) => `id:${name}`);
    expect(events.map((e) => [e.role, e.input.type, e.input.eventId])).toEqual([
      ['deliver', 'hand_over', `id:${VISIT}/deliver/665f1c2e9b1d8c00123456a1`],
      ['collect', 'return_empty', `id:${VISIT}/collect/665f1c2e9b1d8c00123456a2`],
    ]);
    expect(events[0]?.input.payload).toEqual({ customerId: '665f1c2e9b1d8c0012345678', confirmedByCustomer: true, confirmation: { method: 'phone_last4' } });
    expect(events[1]?.input.payload).toEqual({ siteId: '665f1c2e9b1d8c00123456b1', customerId: '665f1c2e9b1d8c0012345678', condition: 'empty' });
  });

  it('compares a resent flow by content: the same instant in another zone is the same, other digits typed are a named difference, and no secret is stored', () => {
    const stored = storedContent(visit(), SECRET);
    expect(JSON.stringify(stored)).not.toContain('"1234"');
    expect(contentHash(storedContent(visit({ occurredAt: '2025-06-01T02:30:00Z' }), SECRET))).toBe(contentHash(stored));
    const other = storedContent(visit({ confirmation: { method: 'phone_last4', phoneLast4: '9999' } }), SECRET);
    expect(differences(stored, other, 'visits[2]')).toEqual(['visits[2].confirmation.phoneLast4']);
    const fewer = storedContent(visit({ deliver: { cylinders: [] } } as never), SECRET);
    expect(differences(stored, fewer)).toEqual(['deliver.cylinders[0]']);
  });

  it('finds a hazard per failed item, due by the item\'s own deadline; passed and n.a. items clear', () => {
    const at = new Date('2025-06-01T02:30:00Z');
    const items = checklist(['not_basement_or_high_rise', 'gas_alarm_for_restaurant']) as Parameters<typeof hazardsOf>[0];
    expect(hazardsOf(items, at).map((h) => [h.item, h.deadline.toISOString()])).toEqual([
      ['not_basement_or_high_rise', '2025-06-04T02:30:00.000Z'],
      ['gas_alarm_for_restaurant', '2025-07-01T02:30:00.000Z'],
    ]);
    expect(itemsCleared(items)).toEqual(SAFETY_ITEM_KEYS.filter((k) => !['not_basement_or_high_rise', 'gas_alarm_for_restaurant'].includes(k)));
  });

  it('knows an image by its own first bytes', () => {
    expect(sniffImage(aPng().data)).toBe('image/png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
  });
});
