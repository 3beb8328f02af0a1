import { REJECTION_REASONS } from './ledger.reasons';
import { Router } from 'express';
import { principalOf, type Principal } from '../auth';
import { AppError } from '../../shared/errors/app.error';
import { actorOf } from './ledger.actor';
import { authorizeCapture } from './ledger.recorders';
import type { AppendOutcome, EventActor, LedgerEvent } from './ledger.contract';
import type { Page } from '../../shared/http/page.cursor';
import { reasonInfo } from './ledger.reasons';
import type { RejectedItem } from './ledger.rejections';
import { batchInput, cylinderParams, eventInput, eventsQuery, rejectedQuery, timelineQuery, type EventInput, type RejectedQuery } from './ledger.schemas';

export interface LedgerRouteServices {
  appendMany(inputs: readonly unknown[], actor: EventActor): Promise<AppendOutcome[]>;
  /** The same for inputs parsed here already: a body is parsed once. */
  appendParsed(inputs: readonly EventInput[], actor: EventActor): Promise<AppendOutcome[]>;
  timeline(principal: Principal, cylinderId: string, query: { limit: number; cursor?: string | undefined }): Promise<{ items: LedgerEvent[]; nextCursor: string | null }>;
  list(principal: Principal, query: ReturnType<typeof eventsQuery.parse>): Promise<{ items: LedgerEvent[]; nextCursor: string | null }>;
  rejected(principal: Principal, query: RejectedQuery): Promise<Page<RejectedItem>>;
}

/** JSON shape of a stored event: dates as ISO strings. */
export function eventView(event: LedgerEvent): Record<string, unknown> {
  return { ...event, occurredAt: event.occurredAt.toISOString(), receivedAt: event.receivedAt.toISOString() };
}

export function outcomeView(outcome: AppendOutcome): Record<string, unknown> {
  // Every rejection answers `reasons`, those refused at the edge (VALIDATION_FAILED) too.
  const reasons = outcome.status === 'rejected' && !outcome.reasons ? { reasons: [{ code: outcome.reason ?? 'REJECTED', detail: outcome.detail ?? '' }] } : {};
  return { ...outcome, ...reasons, ...(outcome.event ? { event: eventView(outcome.event) } : {}) };
}

/** JSON shape of a kept refusal: dates as ISO strings, the evidence's too. */
export function rejectedView(item: RejectedItem): Record<string, unknown> {
  return JSON.parse(JSON.stringify(item)) as Record<string, unknown>;
}

export function ledgerRoutes(services: LedgerRouteServices): Router {
  const router = Router();
  router.post('/events', async (req, res) => {
    const principal = principalOf(req);
    authorizeCapture(principal);
    // Parsed here, not in the capture: a bad body is a 400 listing every field.
    const input = eventInput.parse(req.body);
    const [outcome] = await services.appendParsed([input], actorOf(principal));
    if (!outcome || outcome.status === 'rejected') {
      const reason = outcome?.reason ?? 'REJECTED';
      const detail = outcome?.detail ?? reason;
      // The status and title come from the one reason table; every reason that applies is listed.
      const info = reasonInfo(reason);
      throw new AppError(reason, info.status, info.en, { detail, reasons: outcome?.reasons ?? [{ code: reason, detail }], ...(outcome?.errors ? { errors: outcome.errors } : {}) });
    }
    res.status(outcome.status === 'accepted' ? 201 : 200).json(outcomeView(outcome));
  });
  router.post('/events/batch', async (req, res) => {
    const principal = principalOf(req);
    authorizeCapture(principal);
    const { events } = batchInput.parse(req.body);
    const outcomes = await services.appendMany(events, actorOf(principal));
    const count = (status: AppendOutcome['status']) => outcomes.filter((o) => o.status === status).length;
    res.json({ accepted: count('accepted'), duplicate: count('duplicate'), rejected: count('rejected'), results: outcomes.map(outcomeView) });
  });
  router.get('/events', async (req, res) => {
    const principal = principalOf(req);
    const page = await services.list(principal, eventsQuery.parse(req.query));
    res.json({ items: page.items.map(eventView), nextCursor: page.nextCursor });
  });
  // The reason table itself (code → status, zh, en), so a console names reasons in its language without a copy of it.
  router.get('/events/rejection-reasons', (req, res) => {
    principalOf(req);
    res.set('Cache-Control', 'private, max-age=3600').json({ items: Object.entries(REJECTION_REASONS).map(([code, r]) => ({ code, ...r })) });
  });
  router.get('/events/rejected', async (req, res) => {
    const page = await services.rejected(principalOf(req), rejectedQuery.parse(req.query));
    res.json({ items: page.items.map(rejectedView), nextCursor: page.nextCursor });
  });
  router.get('/cylinders/:id/events', async (req, res) => {
    const principal = principalOf(req);
    const { id } = cylinderParams.parse(req.params);
    const page = await services.timeline(principal, id, timelineQuery.parse(req.query));
    res.json({ items: page.items.map(eventView), nextCursor: page.nextCursor });
  });
  return router;
}
