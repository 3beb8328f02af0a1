import { cursorQuery, pageSchema } from '../../shared/http/page.cursor';
import { z } from '../../shared/openapi/zod.openapi';
import { objectIdSchema } from '../auth';
import { DEVICE_KINDS, DEVICE_STATUSES } from './device.model';

export const createDeviceBodySchema = z
  .object({
    siteId: objectIdSchema,
    name: z.string().trim().min(1).max(100).openapi({ example: '1号灌装秤' }),
    serialNumber: z.string().trim().regex(/^[A-Za-z0-9._/-]{1,64}$/, 'letters, digits and ._/- only').optional(),
  })
  .strict()
  .openapi('CreateDeviceRequest');

export const listDevicesQuerySchema = z
  .object({
    siteId: objectIdSchema.optional(),
    status: z.enum(DEVICE_STATUSES).optional(),
    cursor: cursorQuery,
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const deviceIdParamsSchema = z.object({ id: objectIdSchema }).strict();

export const deviceViewSchema = z
  .object({
    id: objectIdSchema,
    kind: z.enum(DEVICE_KINDS),
    name: z.string(),
    serialNumber: z.string().optional(),
    siteId: objectIdSchema,
    enterpriseId: objectIdSchema,
    districtCode: z.string(),
    status: z.enum(DEVICE_STATUSES),
    revokedAt: z.string().optional().openapi({ format: 'date-time' }),
    lastSeenAt: z.string().optional().openapi({ format: 'date-time', description: 'The last signed request accepted from the scale' }),
    online: z.boolean().optional().openapi({ description: 'An active scale heard from within SCALE_OFFLINE_AFTER_S' }),
    lock: z.object({ reason: z.string(), at: z.string(), by: z.string(), byRole: z.string() }).optional().openapi({ description: "A regulator's remote lock of this scale" }),
    calibrationDueOn: z.string().optional().openapi({ description: 'When its calibration (计量检定) falls due, as its heartbeat says' }),
    firmware: z.string().optional(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Device');

export const deviceCredentialsSchema = z
  .object({
    device: deviceViewSchema,
    deviceId: objectIdSchema,
    secret: z.string().openapi({ description: 'Shown this once; store it in the scale. The platform cannot show it again.' }),
  })
  .openapi('DeviceCredentials');

export const devicePageSchema = pageSchema(deviceViewSchema, 'DevicePage');

export type CreateDeviceBody = z.infer<typeof createDeviceBodySchema>;
export type ListDevicesQuery = z.infer<typeof listDevicesQuerySchema>;
export type DeviceView = z.infer<typeof deviceViewSchema>;
export type DeviceCredentials = z.infer<typeof deviceCredentialsSchema>;
