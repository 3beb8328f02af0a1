import { z } from '../../shared/openapi/zod.openapi';
import { objectId } from '../../shared/http/object-id.schema';
import { cursorQuery, pageSchema, type Page, type PageCursors } from '../../shared/http/page.cursor';
import { Router } from 'express';
import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { authorize, BEARER_SECURITY, principalOf, type Principal } from '../auth';
import type { FillRecord, FillRecordsRepository } from './fill-records.repository';
import { isoCalendarDay } from '../../shared/http/date.schema';

export const fillRecordsQuery = z
  .strictObject({
    siteId: objectId.optional().openapi({ description: 'A filling station: its fills (of one day with `day`)' }),
    day: isoCalendarDay.optional().openapi({ description: 'With siteId: the city calendar day (UTC+8) the fills ended on' }),
    deviceId: objectId.optional().openapi({ description: 'A scale: its fills' }),
    operatorWorkerId: objectId.optional().openapi({ description: 'A filling operator: the fills made by them' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: cursorQuery,
  })
  .superRefine((q, ctx) => {
    const keys = [q.siteId, q.deviceId, q.operatorWorkerId].filter((v) => v !== undefined).length;
    if (keys !== 1) ctx.addIssue({ code: 'custom', path: ['siteId'], message: 'give exactly one of siteId, deviceId, operatorWorkerId' });
    if (q.day && !q.siteId) ctx.addIssue({ code: 'custom', path: ['day'], message: 'is given with siteId' });
  });
export type FillRecordsQuery = z.infer<typeof fillRecordsQuery>;

const checks = z.object({ valve: z.string(), leak: z.string(), appearance: z.string(), residualKg: z.number() });
export const fillRecordView = z
  .object({
    id: z.string(),
    fillId: z.string(),
    sequence: z.number().int(),
    eventId: z.string().openapi({ description: 'The ledger fill event' }),
    inspectEventId: z.string().optional(),
    authorizationId: z.string().nullable().openapi({ description: 'The allow it was filled under; null for a manual fill' }),
    offline: z
      .object({ allowlistId: z.string(), deniedNow: z.array(z.string()).openapi({ description: 'Reason codes the interlock would deny it with on arrival (empty: none)' }) })
      .optional()
      .openapi({ description: 'Made offline against a signed allowlist and judged again on arrival' }),
    manual: z.boolean().openapi({ description: 'Recorded without a scale (through the user API or EPCIS) while a regulator had the station in manual mode; its anomalies include manual_mode' }),
    cylinder: z.object({ id: z.string(), grai: z.string().optional(), serial: z.string().openapi({ description: '钢印号' }), model: z.string(), nominalKg: z.number(), registeredTareKg: z.number().optional() }),
    station: z.object({ id: z.string(), name: z.string().optional(), fillingLicenceNumber: z.string().optional().openapi({ description: '气瓶充装许可证编号' }) }),
    enterpriseId: z.string(),
    districtCode: z.string(),
    scale: z
      .object({ id: z.string(), name: z.string(), serialNumber: z.string().optional(), calibrationDueOn: z.string().optional().openapi({ description: 'Its calibration date (计量检定有效期) as its heartbeat said' }) })
      .nullable()
      .openapi({ description: 'null for a manual fill (no scale)' }),
    operator: z.object({ workerId: z.string().optional(), staffNumber: z.string().optional().openapi({ description: 'As the scale sent it (a manual fill names the worker only)' }), certificateNumber: z.string().optional().openapi({ description: '安全培训合格证编号' }) }),
    checks: checks.optional().openapi({ description: 'Each pre-fill check item (充装前检查)' }),
    tareKg: z.number(),
    grossKg: z.number(),
    netKg: z.number(),
    permittedNetKg: z.number().openapi({ description: '允许充装量' }),
    deviationKg: z.number().openapi({ description: 'net − permitted fill mass' }),
    anomalies: z.array(z.string()),
    startedAt: z.string().openapi({ description: 'ISO 8601 with the zone, as the scale sent it' }),
    endedAt: z.string(),
    day: z.string(),
    receivedAt: z.string(),
  })
  .openapi('FillRecord');
export type FillRecordView = z.infer<typeof fillRecordView>;
export const fillRecordPage = pageSchema(fillRecordView, 'FillRecordPage');

function toView(r: FillRecord): FillRecordView {
  const { _id, startedAtInstant: _s, endedAtInstant: _e, receivedAt, deviceId: _d, manual, ...rest } = r;
  return { id: _id.toHexString(), ...rest, manual: manual === true, receivedAt: receivedAt.toISOString() };
}

export type FillRecordsService = ReturnType<typeof createFillRecordsService>;

/**
 * Filling records, one indexed read per listing: a station's (per day), a scale's, an operator's,
 * newest first. A station's and an operator's include the manual fills (marked `manual`). Scoped like every read: a district regulator its district's, an enterprise its
 * own; another's record reads like none.
 */
export function createFillRecordsService(deps: { records: FillRecordsRepository; cursors: PageCursors }) {
  return {
    async list(principal: Principal, query: FillRecordsQuery): Promise<Page<FillRecordView>> {
      authorize(principal, 'fill_records', 'read');
      const key = query.siteId ? { siteId: query.siteId, ...(query.day ? { day: query.day } : {}) } : query.deviceId ? { deviceId: query.deviceId } : { operatorWorkerId: query.operatorWorkerId as string };
      const listing = { name: `fill-records:${JSON.stringify(key)}`, sort: 'endedAt', direction: -1 as const };
      const scope =
        principal.role === 'district_regulator'
          ? { districtCode: principal.districtCode ?? '-' }
          : principal.role === 'city_regulator' || principal.role === 'auditor'
            ? {}
            : { enterpriseId: principal.enterpriseId ?? '-' };
      const position = query.cursor ? deps.cursors.decode(listing, query.cursor) : undefined;
      const after = position?.id && position.value instanceof Date ? { endedAt: position.value, id: position.id } : undefined;
      const rows = await deps.records.list({ ...key, ...scope, ...(after ? { after } : {}), limit: query.limit + 1 });
      const page = deps.cursors.page(rows, query.limit, listing, (r) => ({ value: r.endedAtInstant, id: r._id.toHexString() }));
      return { items: page.items.map(toView), nextCursor: page.nextCursor };
    },
  };
}

export function fillRecordsRoutes(service: FillRecordsService): Router {
  const router = Router();
  router.get('/fill-records', async (req, res) => {
    res.json(await service.list(principalOf(req), fillRecordsQuery.parse(req.query)));
  });
  return router;
}

export function registerFillRecordsOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    tags: ['scale controls'],
    security: BEARER_SECURITY,
    method: 'get',
    path: '/api/v1/fill-records',
    summary: 'Filling records (充装记录) of a station (per day), a scale or an operator, newest first: one indexed read, in your scope',
    request: { query: fillRecordsQuery },
    responses: {
      200: { description: 'A page', ...json(fillRecordPage) },
      400: problemResponse('VALIDATION_FAILED (exactly one of siteId, deviceId, operatorWorkerId), INVALID_CURSOR'),
      401: problemResponse('UNAUTHORIZED'),
      403: problemResponse('FORBIDDEN'),
    },
  });
}
