import { objectId } from '../../shared/http/object-id.schema';
import { z } from '../../shared/openapi/zod.openapi';
import { isoInstant } from '../../shared/http/date.schema';

const reason = z.string().trim().min(2, 'is required: say why').max(200).openapi({ example: '灌装秤计量检定过期，停用待检' });
const isoDateTime = isoInstant;

export const controlReasonBody = z.strictObject({ reason }).openapi('ScaleControlReason');

export const manualModeBody = z
  .strictObject({
    reason: reason.openapi({ example: '1号秤故障，厂家维修中，手工记录充装' }),
    until: isoDateTime.openapi({ description: 'When manual mode ends (at most SCALE_MANUAL_MODE_MAX_HOURS after it starts)', example: '2025-06-03T18:00:00+08:00' }),
    from: isoDateTime.optional().openapi({ description: 'When it starts; now when omitted. At most 7 days back (the scale broke before the regulator was reached)' }),
  })
  .openapi('ManualModeRequest');
export type ManualModeBody = z.infer<typeof manualModeBody>;

export const stationParams = z.strictObject({ id: objectId });

const lockView = z.object({ reason: z.string(), at: z.string(), by: z.string(), byRole: z.string() }).openapi('ScaleLock');
const manualModeView = z
  .object({ id: z.string(), from: z.string(), until: z.string(), reason: z.string(), grantedBy: z.string(), endedBy: z.string().optional(), endReason: z.string().optional() })
  .openapi('ManualMode');

export const stationControlsView = z
  .object({
    siteId: z.string(),
    enterpriseId: z.string(),
    districtCode: z.string(),
    lock: lockView.nullable().openapi({ description: "The station's lock (every scale of it answers SCALE_LOCKED)" }),
    manualMode: manualModeView.nullable().openapi({ description: 'The manual mode running now, if any' }),
    manualModes: z.array(manualModeView).openapi({ description: 'Grants that ended less than a day ago or still run (late uploads are judged by them)' }),
    scales: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        status: z.string(),
        online: z.boolean(),
        lastSeenAt: z.string().nullable(),
        lock: lockView.nullable(),
        firmware: z.string().nullable(),
        calibrationDueOn: z.string().nullable(),
        bufferedReports: z.number().nullable(),
      }),
    ),
  })
  .openapi('StationScaleControls');
export type StationControlsView = z.infer<typeof stationControlsView>;
export { lockView, manualModeView };
