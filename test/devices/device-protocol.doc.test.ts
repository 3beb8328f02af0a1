import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { bodyHash, DEVICE_AUTH_REFUSALS, signRequest, stringToSign } from '../../src/components/devices';
import { deviceAuthentication } from '../../src/components/devices/device.auth';
import { createDeviceKeys } from '../../src/components/devices/device.keys';
import type { DeviceRecord } from '../../src/components/devices/device.repository';
import { REJECTION_REASONS } from '../../src/components/ledger';
import { errorMiddleware } from '../../src/shared/errors/error.middleware';

/** docs/device-protocol.md is what a scale vendor implements from: its worked example is checked against the code. */
const doc = readFileSync(join(__dirname, '../../docs/device-protocol.md'), 'utf8');
const value = (label: string) => {
  const match = new RegExp(`${label}: \`([^\`]+)\``).exec(doc);
  if (!match?.[1]) throw new Error(`the document has no "${label}"`);
  return match[1];
};
const block = (marker: string) => {
  const match = new RegExp(`<!-- ${marker} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  if (!match?.[1]) throw new Error(`the document has no ${marker} block`);
  return match[1];
};

const example = () => ({
  deviceId: value('device id'),
  secret: value('device secret'),
  timestamp: value('X-Timestamp'),
  nonce: value('X-Nonce'),
  body: block('example-body'),
});

describe('the device protocol document', () => {
  it('computes its worked example exactly as the platform does: body hash, string to sign, signature', () => {
    const e = example();
    const parts = { method: 'POST', path: '/api/v1/device/fills/authorize', timestamp: e.timestamp, nonce: e.nonce, body: e.body };
    expect(value('hex\\(SHA-256\\(body\\)\\)')).toBe(bodyHash(e.body));
    expect(block('example-string-to-sign')).toBe(stringToSign(parts));
    const signature = signRequest(e.secret, parts);
    expect(value('X-Signature')).toBe(signature);
    // Every place the document shows the header carries the same value.
    for (const m of doc.matchAll(/^X-Signature: ([0-9a-f]{64})$/gm)) expect(m[1]).toBe(signature);
    const getMe = { method: 'GET', path: '/api/v1/device/me', timestamp: '1748737805000', nonce: 'Yc3mT9qLw2Zr5Hs8Kd1pVx', body: '' };
    expect(doc).toContain(`X-Timestamp \`${getMe.timestamp}\``);
    expect(doc).toContain(`X-Nonce\n\`${getMe.nonce}\``);
    expect(value('X-Signature \\(get-me\\)')).toBe(signRequest(e.secret, getMe));
    expect(doc).toContain(bodyHash(''));
  });

  it('is accepted by the platform’s own signature check when sent as the document shows', async () => {
    const e = example();
    const device = { id: e.deviceId, status: 'active', siteId: '665f1c2e9b1d8c0000000001', enterpriseId: '665f1c2e9b1d8c00000000e1', districtCode: '441802' } as DeviceRecord;
    const app = express();
    app.use(express.raw({ type: () => true }));
    app.use(
      deviceAuthentication({
        devices: { credentialOf: async (id) => (id === e.deviceId ? { device, secretSalt: 'salt' } : undefined), markSeen: async () => undefined },
        keys: createDeviceKeys({ derive: () => e.secret }),
        nonces: { claim: async () => true },
        now: () => new Date(Number(e.timestamp) + 1000),
      }),
    );
    app.post('/api/v1/device/fills/authorize', (req, res) => {
      res.json({ device: req.device?.id, body: req.body as unknown });
    });
    app.use(errorMiddleware({ exposeInternals: true }));
    const headers = { 'Content-Type': 'application/json', 'X-Device-Id': e.deviceId, 'X-Timestamp': e.timestamp, 'X-Nonce': e.nonce, 'X-Signature': value('X-Signature') };
    const res = await request(app).post('/api/v1/device/fills/authorize').set(headers).send(e.body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ device: e.deviceId, body: JSON.parse(e.body) as unknown });
    const altered = await request(app).post('/api/v1/device/fills/authorize').set(headers).send(e.body.replace('W001', 'W002'));
    expect([altered.status, altered.body.code]).toEqual([401, 'DEVICE_SIGNATURE_INVALID']);
  });

  it('lists every refusal code of a signed request, and every deny code of the interlock with its Chinese message', () => {
    for (const code of Object.keys(DEVICE_AUTH_REFUSALS)) expect(doc).toContain(`\`${code}\``);
    const deny = ['UNKNOWN_CODE', 'BAD_SIGNATURE', 'SCRAPPED', 'LOST', 'INSPECTION_OVERDUE', 'SERVICE_LIFE_EXCEEDED', 'FOREIGN_FILLER', 'NOT_INSPECTED', 'PRE_FILL_CHECK_FAILED', 'NOT_EMPTY', 'STATION_LICENCE_INVALID', 'FILLING_LICENCE_INVALID', 'ENTERPRISE_LICENCE_INVALID', 'OPERATOR_UNCERTIFIED', 'OPERATOR_NOT_AT_THIS_STATION', 'SCALE_LOCKED', 'TARE_UNKNOWN'] as const;
    for (const code of deny) {
      expect(doc).toContain(`\`${code}\``);
      expect(REJECTION_REASONS[code].zh).toEqual(expect.any(String));
    }
    for (const code of ['AUTHORIZATION_INVALID', 'AUTHORIZATION_EXPIRED', 'AUTHORIZATION_USED', 'OVERFILL_UNRESOLVED', 'FILL_REQUIRES_SCALE']) expect(doc).toContain(`\`${code}\``);
  });
});
