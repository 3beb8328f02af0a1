import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { BEARER_SECURITY } from '../auth';
import { idParams } from '../../shared/http/object-id.schema';
import { deviceViewSchema } from './devices.schemas';
import { controlReasonBody, manualModeBody, stationControlsView, stationParams } from './scale-controls.schemas';

const common = {
  400: problemResponse('VALIDATION_FAILED: a reason is required; manual mode at most SCALE_MANUAL_MODE_MAX_HOURS'),
  401: problemResponse('UNAUTHORIZED, INVALID_TOKEN, TOKEN_EXPIRED, ACCOUNT_INACTIVE'),
  403: problemResponse('FORBIDDEN: only a regulator (the city, or the district of the station) decides'),
};

export function registerScaleControlsOpenApi(registry: OpenAPIRegistry): void {
  const base = { tags: ['scale controls'], security: BEARER_SECURITY };
  const onDevice = (path: string, summary: string, conflict?: string) =>
    registry.registerPath({
      ...base,
      method: 'post',
      path,
      summary,
      request: { params: idParams, body: { ...json(controlReasonBody), required: true } },
      responses: { 200: { description: 'The scale', ...json(deviceViewSchema) }, ...common, 404: problemResponse('NOT_FOUND: no such scale in your scope'), ...(conflict ? { 409: problemResponse(conflict) } : {}) },
    });
  onDevice('/api/v1/devices/{id}/lock', 'Lock a scale remotely (audited, with the reason): its next authorize answers SCALE_LOCKED');
  onDevice('/api/v1/devices/{id}/unlock', 'Unlock a scale (audited, with the reason)', 'SCALE_NOT_LOCKED');
  const onStation = (path: string, summary: string, body: typeof controlReasonBody | typeof manualModeBody, created: boolean, conflict?: string) =>
    registry.registerPath({
      ...base,
      method: 'post',
      path,
      summary,
      request: { params: stationParams, body: { ...json(body), required: true } },
      responses: {
        [created ? 201 : 200]: { description: "The station's scale controls", ...json(stationControlsView) },
        ...common,
        404: problemResponse('NOT_FOUND: no such filling station in your scope'),
        ...(conflict ? { 409: problemResponse(conflict) } : {}),
      },
    });
  onStation('/api/v1/stations/{id}/lock', 'Lock every scale of a filling station (audited, with the reason)', controlReasonBody, false);
  onStation('/api/v1/stations/{id}/unlock', 'Unlock a filling station (audited, with the reason)', controlReasonBody, false, 'STATION_NOT_LOCKED');
  onStation(
    '/api/v1/stations/{id}/manual-mode',
    'Grant a station a time-limited manual mode (scale broken): its fills may then be recorded without a scale, each marked manual_mode (audited)',
    manualModeBody,
    true,
  );
  onStation('/api/v1/stations/{id}/manual-mode/end', 'End the running manual mode now (audited)', controlReasonBody, false, 'MANUAL_MODE_NOT_ACTIVE');
  registry.registerPath({
    ...base,
    method: 'get',
    path: '/api/v1/stations/{id}/scale-controls',
    summary: "A filling station's lock, manual mode and scales (online, locked, firmware, calibration)",
    request: { params: stationParams },
    responses: { 200: { description: 'The controls', ...json(stationControlsView) }, ...common, 404: problemResponse('NOT_FOUND') },
  });
}
