import { eventHash, type CylinderState, type EventType, type LedgerEvent } from '../../src/components/ledger';
import { verifyChain } from '../../src/components/ledger/ledger.chain';

/** A correctly hashed chain of one cylinder, from (type, fromState, toState) steps. */
function chainOf(steps: readonly [EventType, CylinderState, CylinderState][]): LedgerEvent[] {
  const chain: LedgerEvent[] = [];
  steps.forEach(([type, fromState, toState], i) => {
    const unhashed = {
      eventId: `00000000-0000-4000-8000-00000000000${i}`,
      logSeq: i,
      cylinderId: '64b000000000000000000001',
      enterpriseId: '64a000000000000000000001',
      districtCode: '441802',
      type,
      occurredAt: new Date(Date.UTC(2026, 0, 1 + i)),
      receivedAt: new Date(Date.UTC(2026, 0, 1 + i)),
      actor: { kind: 'user' as const, id: '64c000000000000000000001' },
      where: {},
      payload: {},
      bizStep: 'urn:epcglobal:cbv:bizstep:commissioning',
      disposition: 'urn:epcglobal:cbv:disp:active',
      fromState,
      toState,
      cylinderSeq: i,
      prevHash: chain[i - 1]?.hash ?? null,
    };
    chain.push({ ...unhashed, hash: eventHash(unhashed) });
  });
  return chain;
}

const headOf = (chain: LedgerEvent[]) => {
  const last = chain[chain.length - 1] as LedgerEvent;
  return { headHash: last.hash, headEventId: last.eventId, state: last.toState, cylinderSeq: last.cylinderSeq };
};

describe('verifying one cylinder chain (pure)', () => {
  it('accepts a chain whose every event starts where the previous one ended', async () => {
    const chain = chainOf([
      ['commission', 'unregistered', 'empty_at_station'],
      ['inspect', 'empty_at_station', 'empty_at_station'],
    ]);
    expect(await verifyChain(chain, headOf(chain))).toEqual({ ok: true, events: 2, headHash: chain[1]?.hash });
  });

  it('reports a correctly hashed event that starts in another state than the previous one ended in', async () => {
    const chain = chainOf([
      ['commission', 'unregistered', 'empty_at_station'],
      ['sell', 'at_supply_point', 'with_customer'],
    ]);
    expect(await verifyChain(chain, headOf(chain))).toMatchObject({
      ok: false,
      events: 1,
      reason: 'STATE_DISCONTINUITY',
      firstBadEventId: chain[1]?.eventId,
      detail: 'starts in at_supply_point, but the previous event ended in empty_at_station',
    });
  });

  it('reports a first event that does not start from unregistered', async () => {
    const chain = chainOf([['fill', 'empty_at_station', 'full_at_station']]);
    expect(await verifyChain(chain, headOf(chain))).toMatchObject({ ok: false, reason: 'STATE_DISCONTINUITY', firstBadEventId: chain[0]?.eventId });
  });
});
