import express, { Router } from 'express';
import { principalOf } from '../auth';
import type { VisitKind } from './deliveries.model';
import { collisionsQuery, customerParams, hazardsQuery, mediaParams, ratesQuery, visitParams, visitsQuery } from './deliveries.schemas';
import { idParams } from '../../shared/http/object-id.schema';
import type { createFlows } from './deliveries.service';
import type { createSupervision } from './collisions.service';
import type { createCustomers } from './customers.service';
import { MEDIA_TYPES, type createMedia } from './media.service';

export interface DeliveriesRouteServices {
  flows: ReturnType<typeof createFlows>;
  supervision: ReturnType<typeof createSupervision>;
  customers: ReturnType<typeof createCustomers>;
  media: ReturnType<typeof createMedia>;
  mediaMaxBytes: number;
}

const FLOW_ROUTES: Record<string, VisitKind> = { loads: 'load', receipts: 'receipt', visits: 'visit', 'safety-checks': 'safety_check' };

/** HTTP only: parse, call the use case, shape the answer. */
export function deliveriesRoutes(s: DeliveriesRouteServices): Router {
  const router = Router();
  for (const [path, kind] of Object.entries(FLOW_ROUTES)) {
    router.post(`/deliveries/${path}`, async (req, res) => {
      const { created, view } = await s.flows.recordOne(principalOf(req), kind, req.body);
      res.status(created ? 201 : 200).json(view);
    });
  }
  router.post('/deliveries/sync', async (req, res) => {
    res.json(await s.flows.sync(principalOf(req), req.body));
  });
  router.get('/deliveries/visits', async (req, res) => {
    const principal = principalOf(req);
    res.json(await s.flows.list(principal, visitsQuery.parse(req.query)));
  });
  router.get('/deliveries/visits/:visitId', async (req, res) => {
    const principal = principalOf(req);
    const { visitId } = visitParams.parse(req.params);
    res.json(await s.flows.one(principal, visitId));
  });
  router.get('/deliveries/confirmation-rates', async (req, res) => {
    const principal = principalOf(req);
    res.json(await s.flows.rates(principal, ratesQuery.parse(req.query)));
  });
  router.get('/deliveries/collisions', async (req, res) => {
    const principal = principalOf(req);
    res.json(await s.supervision.collisions(principal, collisionsQuery.parse(req.query)));
  });
  for (const action of ['accept', 'dismiss'] as const) {
    router.post(`/deliveries/collisions/:id/${action}`, async (req, res) => {
      const principal = principalOf(req);
      const { id } = idParams.parse(req.params);
      res.json(await s.supervision[action](principal, id, req.body));
    });
  }
  router.get('/deliveries/hazards', async (req, res) => {
    const principal = principalOf(req);
    res.json(await s.supervision.hazardList(principal, hazardsQuery.parse(req.query)));
  });
  router.post('/deliveries/customers/:id/handover-code', async (req, res) => {
    const principal = principalOf(req);
    const { id } = customerParams.parse(req.params);
    res.status(201).json(await s.customers.requestCode(principal, id));
  });
  router.post('/deliveries/customers/:id/page-link', async (req, res) => {
    const principal = principalOf(req);
    const { id } = customerParams.parse(req.params);
    res.status(201).json(await s.customers.createLink(principal, id));
  });
  // One past the limit, so that the use case answers an image too large itself (413, the limit named).
  const raw = express.raw({ type: [...MEDIA_TYPES], limit: s.mediaMaxBytes + 1 });
  router.put('/deliveries/media/:sha256', raw, async (req, res) => {
    const principal = principalOf(req);
    const { sha256 } = mediaParams.parse(req.params);
    const { created, view } = await s.media.upload(principal, sha256, req.get('content-type')?.split(';')[0]?.trim().toLowerCase(), req.body);
    res.status(created ? 201 : 200).json(view);
  });
  router.get('/deliveries/media/:sha256', async (req, res) => {
    const principal = principalOf(req);
    const { sha256 } = mediaParams.parse(req.params);
    const { type, data } = await s.media.read(principal, sha256);
    res.type(type).set('Cache-Control', 'private, max-age=3600').send(data);
  });
  return router;
}
