import { AppError } from '../../shared/errors/app.error';
import { actorOf, type Ledger } from '../ledger';
import { COMMISSION_REFUSED, LEDGER_REJECTED, type LedgerPort } from './qr.ports';

/**
 * The custody ledger behind QR identity's port: the `commission` event and the projection.
 * Commissioning never reports success without its event (issue 9, defect 4): the event id is
 * derived under a server secret (nobody can take it first), a duplicate answer counts only when it
 * is this cylinder's commission, and anything else fails loudly so the caller retries.
 */
export function ledgerPort(ledger: Pick<Ledger, 'append' | 'cylinderState' | 'eventIds' | 'onCylinderScrapped'>): LedgerPort {
  const commissioned = async (cylinderId: string) => {
    const state = await ledger.cylinderState(cylinderId);
    return state !== null && state.state !== 'unregistered';
  };
  return {
    async recordCommission(record, principal) {
      // Its life has begun already (this commissioning's earlier attempt, or an event of its own).
      if (await commissioned(record.cylinderId)) return;
      const eventId = ledger.eventIds.derived('commission', record.cylinderId);
      const outcome = await ledger.append(
        {
          eventId,
          cylinderId: record.cylinderId,
          type: 'commission',
          occurredAt: record.at.toISOString(),
          where: { siteId: record.siteId },
          payload: { grai: record.grai },
        },
        actorOf(principal),
      );
      const recorded = outcome.status === 'accepted' || (outcome.status === 'duplicate' && outcome.event?.cylinderId === record.cylinderId && outcome.event.type === 'commission');
      // A concurrent commissioning of the same cylinder may have won: its event is the one.
      if (recorded || (await commissioned(record.cylinderId))) return;
      // The ledger's own refusal (a licence, the cylinder's dates): the enterprise has something to put right, and a retry changes nothing until it has.
      if (outcome.status === 'rejected' && outcome.reason !== 'EVENT_ID_CONFLICT') {
        const reasons = outcome.reasons ?? [{ code: outcome.reason ?? 'REJECTED', detail: outcome.detail ?? '' }];
        throw new AppError(COMMISSION_REFUSED, 422, 'Ledger refused the commission', {
          detail: `The ledger refused the commission event (${reasons.map((r) => r.code).join(', ')}); no code is bound. ${reasons[0]?.detail ?? ''}`.trim(),
          reasons,
        });
      }
      throw new AppError(LEDGER_REJECTED, 409, 'Ledger refused the commission event', {
        detail: `The ledger did not record the commission event (${outcome.reason ?? outcome.status}); no code is bound; retry commissioning`,
      });
    },
    onCylinderScrapped: (listener) => ledger.onCylinderScrapped(listener),
    async cylinderState(cylinderId) {
      const projection = await ledger.cylinderState(cylinderId);
      if (!projection) return undefined;
      const fill = projection.lastFill;
      return {
        state: projection.state,
        // A fill with no station on record counts as a fill at no registered station.
        ...(fill ? { lastFill: { siteId: fill.siteId ?? '', at: new Date(fill.at) } } : {}),
      };
    },
  };
}
