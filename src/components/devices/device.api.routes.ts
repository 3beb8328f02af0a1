import { Router, type RequestHandler } from 'express';
import { deviceOf } from './device.auth';
import { authorizeBody, fillReport, fillReportBatch, heartbeatBody, reweighReport, type HeartbeatAnswer, type HeartbeatBody } from './device.api.schemas';
import type { FillReportService } from './fill-report.service';
import type { DeviceView } from './devices.schemas';
import type { DeviceRecord } from './device.repository';
import type { InterlockService } from './interlock.service';
import type { AuthorizeTimings, ServiceStages } from './authorize.timing';

export interface DeviceApiServices {
  view(device: DeviceRecord): DeviceView;
  interlock: InterlockService;
  fills: FillReportService;
  heartbeat(device: DeviceRecord, body: HeartbeatBody, sentAt: number): Promise<HeartbeatAnswer>;
  timings?: AuthorizeTimings;
}

/** A single report's status: a new fill 201, the same fill again 200, refused 422 (with its reasons, kept as evidence). */
const STATUS = { accepted: 201, duplicate: 200, refused: 422 } as const;

/**
 * The signed device API under /api/v1/device (docs/device-protocol.md): every route runs behind
 * `authenticate`, which checks the signature and sets the device; routes never see a bearer token.
 */
export function deviceApiRoutes(authenticate: RequestHandler, services: DeviceApiServices): Router {
  const router = Router();
  router.use(authenticate);
  router.get('/me', (req, res) => {
    res.json(services.view(deviceOf(req)));
  });
  router.post('/fills/authorize', async (req, res) => {
    const device = deviceOf(req);
    const timings = services.timings?.active ? services.timings : undefined;
    const stages: ServiceStages = { factsMs: 0, decideMs: 0, storeMs: 0 };
    const answer = await services.interlock.authorize(device, authorizeBody.parse(req.body), timings ? stages : undefined, req.devicePrefetch);
    const answering = performance.now();
    res.set('Cache-Control', 'no-store').json(answer);
    if (timings) {
      const done = performance.now();
      timings.emit({ authMs: req.deviceAuthMs ?? 0, ...stages, answerMs: done - answering, totalMs: done - (req.deviceAuthStarted ?? done) });
    }
  });
  router.post('/fills', async (req, res) => {
    const device = deviceOf(req);
    const outcome = await services.fills.recordOne(device, fillReport.parse(req.body));
    res.status(STATUS[outcome.status]).json(outcome);
  });
  router.post('/fills/batch', async (req, res) => {
    const device = deviceOf(req);
    const { reports } = fillReportBatch.parse(req.body);
    const results = await services.fills.recordBatch(device, reports);
    const count = (status: keyof typeof STATUS) => results.filter((r) => r.status === status).length;
    res.json({ accepted: count('accepted'), duplicate: count('duplicate'), refused: count('refused'), results });
  });
  router.post('/heartbeat', async (req, res) => {
    const device = deviceOf(req);
    res.set('Cache-Control', 'no-store').json(await services.heartbeat(device, heartbeatBody.parse(req.body), req.deviceSentAt ?? Date.now()));
  });
  router.post('/reweighs', async (req, res) => {
    const outcome = await services.fills.reweigh(deviceOf(req), reweighReport.parse(req.body));
    res.status(STATUS[outcome.status]).json(outcome);
  });
  return router;
}
