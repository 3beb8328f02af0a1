import { z } from 'zod';
import type { Principal } from '../../src/components/auth';
import type { UpsertableResource, BulkUpsertPort, BulkUpsertResult } from '../../src/components/imports';
import type { CodeLookups, CodedResource } from '../../src/components/registry';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)');
const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');

/** Shaped like the registry's create inputs: strict, dates as YYYY-MM-DD strings, nested credentials, a coordinate pair. */
const SCHEMAS: Record<UpsertableResource, z.ZodType> = {
  cylinders: z.strictObject({
    enterpriseId: objectId.optional(),
    serial: z.string().trim().min(1).max(40),
    grai: z.string().optional(),
    manufacturer: z.string().trim().min(1),
    manufactureDate: isoDate,
    nominalKg: z.union([z.literal(5), z.literal(15), z.literal(50)]),
    tareKg: z.number().positive(),
    fillingSiteId: objectId,
    lastInspectionDate: isoDate.optional(),
  }),
  workers: z.strictObject({
    enterpriseId: objectId.optional(),
    realName: z.string().trim().min(1),
    idNumber: z.string().regex(/^\d{17}[\dX]$/, 'must be an 18-character ID number'),
    role: z.enum(['filling_operator', 'delivery_worker', 'manager']),
    phone: z.string().optional(),
    certificate: z.strictObject({ number: z.string().min(1), validTo: isoDate }).optional(),
  }),
  sites: z.strictObject({
    name: z.string().min(1),
    kind: z.enum(['filling_station', 'supply_point']),
    address: z.string().min(1),
    districtCode: z.string().regex(/^\d{6}$/),
    coordinates: z.tuple([z.number().min(73).max(136), z.number().min(3).max(54)]),
    licence: z.strictObject({ number: z.string().min(1), validTo: isoDate }),
  }),
  vehicles: z.strictObject({ plate: z.string().min(1), kind: z.string().min(1) }),
  customers: z.strictObject({ realName: z.string().min(1), phone: z.string().min(1), address: z.string().min(1) }),
};

const KEYS: Record<UpsertableResource, string> = {
  cylinders: 'serial',
  workers: 'idNumber',
  sites: 'name',
  vehicles: 'plate',
  customers: 'phone',
};

/** An in-memory registry: all or nothing, idempotent on the natural key, an enterprise user writes its own enterprise only. */
export class FakeImportPort implements BulkUpsertPort {
  readonly stored = new Map<string, Record<string, unknown>>();
  calls = 0;

  inputSchema(resource: UpsertableResource): z.ZodType {
    return SCHEMAS[resource];
  }

  async upsertMany(resource: UpsertableResource, inputs: unknown[], principal: Principal, opts: { dryRun: boolean }): Promise<BulkUpsertResult> {
    this.calls++;
    const outcome: BulkUpsertResult = { created: 0, updated: 0, unchanged: 0, errors: [] };
    const writes: [string, Record<string, unknown>][] = [];
    inputs.forEach((raw, index) => {
      const input = SCHEMAS[resource].parse(raw) as Record<string, unknown>;
      const enterpriseId = (input.enterpriseId as string | undefined) ?? principal.enterpriseId ?? '';
      if (principal.enterpriseId && enterpriseId !== principal.enterpriseId) {
        outcome.errors.push({ index, field: 'enterpriseId', reason: 'no such active enterprise' });
        return;
      }
      const key = `${resource}:${enterpriseId}:${String(input[KEYS[resource]])}`;
      const record = { ...input, enterpriseId };
      const existing = this.stored.get(key);
      if (!existing) outcome.created++;
      else if (JSON.stringify(existing) === JSON.stringify(record)) outcome.unchanged++;
      else outcome.updated++;
      writes.push([key, record]);
    });
    if (outcome.errors.length) return { created: 0, updated: 0, unchanged: 0, errors: outcome.errors };
    if (!opts.dryRun) for (const [key, record] of writes) this.stored.set(key, record);
    return outcome;
  }
}

/** Human codes as an in-memory table: `${resource}:${enterpriseId}:${CODE}` → id; upper-cased like the registry's. */
export class FakeCodes implements CodeLookups {
  readonly ids = new Map<string, string>();

  add(resource: CodedResource, enterpriseId: string, code: string, id: string): this {
    this.ids.set(`${resource}:${enterpriseId}:${code.toUpperCase()}`, id);
    return this;
  }

  async idsByCode(resource: CodedResource, enterpriseId: string, codes: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const code of codes) {
      const id = this.ids.get(`${resource}:${enterpriseId}:${code.toUpperCase()}`);
      if (id) found.set(code, id);
    }
    return found;
  }
}
