import { AppError } from '../../shared/errors/app.error';
import { actorOf, type Ledger } from '../ledger';
import type { LedgerPort } from './qr.ports';

/** The custody ledger behind QR identity's port: the `commission` event and the projection. */
export function ledgerPort(ledger: Pick<Ledger, 'append' | 'cylinderState'>): LedgerPort {
  return {
    async recordCommission(record, principal) {
      const outcome = await ledger.append(
        {
          eventId: record.eventId,
          cylinderId: record.cylinderId,
          type: 'commission',
          occurredAt: record.at.toISOString(),
          where: { siteId: record.siteId },
          payload: { grai: record.grai },
        },
        actorOf(principal),
      );
      if (outcome.status !== 'rejected') return;
      // Commissioned in the ledger already (by an event of its own): its life has begun, nothing to add.
      const state = await ledger.cylinderState(record.cylinderId);
      if (state && state.state !== 'unregistered') return;
      throw new AppError('LEDGER_REJECTED', 409, 'Ledger refused the commission event', {
        detail: `The code is bound, but the ledger refused the commission event (${outcome.reason ?? 'unknown'}: ${outcome.detail ?? ''}); retry commissioning`,
      });
    },
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
