import { authorize, type Principal } from '../auth';
import { afterPosition, type Page, type PageCursors } from '../../shared/http/page.cursor';
import type { RejectedEvent } from './ledger.model';
import type { Filter, LedgerRepository } from './ledger.repository';
import { eventScope } from './ledger.scope';
import type { RejectedQuery } from './ledger.schemas';

export type RejectedItem = RejectedEvent & { id: string };

/** Newest received first; receivedAt is shared by a group's refusals, so the _id breaks ties. */
const REJECTED = { name: 'rejected-events', sort: 'receivedAt', direction: -1 } as const;

/**
 * The refusals capture kept (rejected_events), for supervision: read under THE read rule of events
 * (ledger.scope.ts) over the same fields — the cylinder's enterprise, the event's district, the
 * actor — stored on each refusal for that purpose.
 */
export function createRejections(deps: { repo: LedgerRepository; cursors: PageCursors }) {
  return {
    async list(principal: Principal, query: RejectedQuery): Promise<Page<RejectedItem>> {
      authorize(principal, 'rejected_events', 'read');
      const filters: Filter[] = [eventScope(principal)];
      if (query.cylinderId) filters.push({ cylinderId: query.cylinderId });
      if (query.reason) filters.push({ 'reasons.reason': query.reason });
      if (query.cursor) filters.push(afterPosition(REJECTED, deps.cursors.decode(REJECTED, query.cursor)));
      const rows = await deps.repo.rejectedPage({ $and: filters }, query.limit + 1);
      const items = rows.map(({ _id, ...doc }) => ({ ...doc, id: _id.toHexString() }));
      return deps.cursors.page(items, query.limit, REJECTED, (r) => ({ value: r.receivedAt, id: r.id }));
    },
  };
}
