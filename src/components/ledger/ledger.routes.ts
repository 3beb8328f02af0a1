import { Router } from 'express';
import { principalOf, type Principal } from '../auth';
import { AppError } from '../../shared/errors/app.error';
import { actorOf } from './ledger.actor';
import { authorizeCapture, RECORDER_STATUS } from './ledger.recorders';
import type { AppendOutcome, EventActor, LedgerEvent } from './ledger.contract';
import { batchInput, cylinderParams, eventInput, eventsQuery, timelineQuery, type EventInput } from './ledger.schemas';

export interface LedgerRouteServices {
  appendMany(inputs: readonly unknown[], actor: EventActor): Promise<AppendOutcome[]>;
  /** The same for inputs parsed here already: a body is parsed once. */
  appendParsed(inputs: readonly EventInput[], actor: EventActor): Promise<AppendOutcome[]>;
  timeline(principal: Principal, cylinderId: string, query: { limit: number; cursor?: string | undefined }): Promise<{ items: LedgerEvent[]; nextCursor: string | null }>;
  list(principal: Principal, query: ReturnType<typeof eventsQuery.parse>): Promise<{ items: LedgerEvent[]; nextCursor: string | null }>;
}

/** JSON shape of a stored event: dates as ISO strings. */
export function eventView(event: LedgerEvent): Record<string, unknown> {
  return { ...event, occurredAt: event.occurredAt.toISOString(), receivedAt: event.receivedAt.toISOString() };
}

export function outcomeView(outcome: AppendOutcome): Record<string, unknown> {
  return { ...outcome, ...(outcome.event ? { event: eventView(outcome.event) } : {}) };
}

// EVENT_ID_CONFLICT is a 409 like any other key already taken: the same answer whoever holds the id.
const REJECTION_STATUS: Record<string, number> = { CYLINDER_NOT_FOUND: 404, VALIDATION_FAILED: 400, EVENT_ID_CONFLICT: 409, ...RECORDER_STATUS };

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
      throw new AppError(reason, REJECTION_STATUS[reason] ?? 422, 'Event rejected', { detail: outcome?.detail ?? reason });
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
  router.get('/cylinders/:id/events', async (req, res) => {
    const principal = principalOf(req);
    const { id } = cylinderParams.parse(req.params);
    const page = await services.timeline(principal, id, timelineQuery.parse(req.query));
    res.json({ items: page.items.map(eventView), nextCursor: page.nextCursor });
  });
  return router;
}
