/**
 * The six registries as the console shows them: the columns of each table, its filters, and the
 * fields of its create and edit forms, each named by the API's field path (so a field error the API
 * answers, `licence.validTo`, lands next to the field that carries it). Labels are i18n keys.
 */
export type FieldType = 'text' | 'select' | 'date' | 'number' | 'enterprise' | 'site' | 'fillingSite' | 'district' | 'coordinates';

export interface FieldDef {
  path: string;
  type: FieldType;
  /** i18n key of the label; `fields.<last path segment>` unless given. */
  label?: string;
  /** For selects: the enum name in `enums.*` and its values. */
  options?: { enum: string; values: readonly (string | number)[] };
  required?: boolean;
  /** Shown only when creating (the API refuses it in a PATCH). */
  createOnly?: boolean;
  /** Only for callers whose scope is wider than one enterprise (they name the enterprise). */
  cityWide?: boolean;
  /** Only when another field has this value (a site's filling licence: filling stations). */
  when?: { path: string; equals: string };
}

export interface ColumnDef {
  path: string;
  label: string;
  kind?: 'text' | 'enum' | 'credential' | 'date' | 'active' | 'district';
  enumName?: string;
  width?: number;
}

export interface FilterDef {
  key: string;
  label: string;
  options: { enum: string; values: readonly string[] };
}

export interface ResourceDef {
  resource: 'enterprises' | 'sites' | 'vehicles' | 'workers' | 'customers' | 'cylinders';
  /** The credentials its records hold (credential routes' kinds). */
  credentials: readonly string[];
  columns: readonly ColumnDef[];
  filters: readonly FilterDef[];
  fields: readonly FieldDef[];
  importable: boolean;
}

export const CREDENTIAL_STATUSES = ['valid', 'expiring', 'expired', 'not_yet_valid', 'unverified', 'rejected', 'suspended', 'revoked', 'missing'] as const;
const statusFilter: FilterDef = { key: 'status', label: 'fields.credentialStatus', options: { enum: 'credentialStatus', values: CREDENTIAL_STATUSES } };

/** A credential's paper as a form writes it: number, scope, issuer, dates. */
function credentialFields(name: string, options: { required?: boolean; full?: boolean; when?: FieldDef['when'] } = {}): FieldDef[] {
  const base = { ...(options.when ? { when: options.when } : {}) };
  return [
    { path: `${name}.number`, type: 'text', label: `credentialFields.${name}Number`, required: options.required ?? false, ...base },
    ...(options.full ? [{ path: `${name}.scope`, type: 'text' as const, label: 'fields.scope', required: options.required ?? false, ...base }] : []),
    { path: `${name}.issuer`, type: 'text', label: 'fields.issuer', required: (options.full && options.required) ?? false, ...base },
    { path: `${name}.validFrom`, type: 'date', label: 'fields.validFrom', required: (options.full && options.required) ?? false, ...base },
    { path: `${name}.validTo`, type: 'date', label: 'fields.validTo', required: options.required ?? false, ...base },
  ];
}

export const RESOURCES: Record<ResourceDef['resource'], ResourceDef> = {
  enterprises: {
    resource: 'enterprises',
    credentials: ['licence'],
    importable: false,
    columns: [
      { path: 'name', label: 'fields.enterpriseName', width: 220 },
      { path: 'uscc', label: 'fields.uscc', width: 190 },
      { path: 'districtCode', label: 'fields.districtCode', kind: 'district' },
      { path: 'licence', label: 'credentialFields.licence', kind: 'credential' },
      { path: 'active', label: 'fields.active', kind: 'active', width: 90 },
    ],
    filters: [statusFilter],
    fields: [
      { path: 'name', type: 'text', label: 'fields.enterpriseName', required: true },
      { path: 'uscc', type: 'text', label: 'fields.uscc' },
      { path: 'districtCode', type: 'district', required: true },
      { path: 'address', type: 'text', required: true },
      // Left blank for an enterprise still applying: its administrator submits the licence, a regulator verifies it.
      ...credentialFields('licence', { full: true }),
    ],
  },
  sites: {
    resource: 'sites',
    credentials: ['licence', 'fillingLicence'],
    importable: true,
    columns: [
      { path: 'code', label: 'fields.siteCode', width: 100 },
      { path: 'name', label: 'fields.siteName', width: 200 },
      { path: 'kind', label: 'fields.siteKind', kind: 'enum', enumName: 'siteKind' },
      { path: 'districtCode', label: 'fields.districtCode', kind: 'district' },
      { path: 'licence', label: 'credentialFields.licence', kind: 'credential' },
      { path: 'fillingLicence', label: 'credentialFields.fillingLicence', kind: 'credential' },
      { path: 'active', label: 'fields.active', kind: 'active', width: 90 },
    ],
    filters: [{ key: 'kind', label: 'fields.siteKind', options: { enum: 'siteKind', values: ['filling_station', 'supply_point'] } }, statusFilter],
    fields: [
      { path: 'enterpriseId', type: 'enterprise', createOnly: true, cityWide: true, required: true },
      { path: 'kind', type: 'select', label: 'fields.siteKind', options: { enum: 'siteKind', values: ['filling_station', 'supply_point'] }, required: true, createOnly: true },
      { path: 'code', type: 'text', label: 'fields.siteCode', required: true },
      { path: 'name', type: 'text', label: 'fields.siteName', required: true },
      { path: 'districtCode', type: 'district', required: true },
      { path: 'address', type: 'text', required: true },
      { path: 'coordinates', type: 'coordinates', required: true },
      ...credentialFields('licence', { required: true }),
      ...credentialFields('fillingLicence', { required: true, when: { path: 'kind', equals: 'filling_station' } }),
    ],
  },
  vehicles: {
    resource: 'vehicles',
    credentials: ['permit'],
    importable: true,
    columns: [
      { path: 'plate', label: 'fields.plate', width: 130 },
      { path: 'kind', label: 'fields.vehicleKind', kind: 'enum', enumName: 'vehicleKind' },
      { path: 'districtCode', label: 'fields.districtCode', kind: 'district' },
      { path: 'permit', label: 'credentialFields.permit', kind: 'credential' },
      { path: 'active', label: 'fields.active', kind: 'active', width: 90 },
    ],
    filters: [{ key: 'kind', label: 'fields.vehicleKind', options: { enum: 'vehicleKind', values: ['cylinder_truck', 'van', 'tricycle', 'motorcycle', 'other'] } }, statusFilter],
    fields: [
      { path: 'enterpriseId', type: 'enterprise', createOnly: true, cityWide: true, required: true },
      { path: 'plate', type: 'text', label: 'fields.plate', required: true, createOnly: true },
      { path: 'kind', type: 'select', label: 'fields.vehicleKind', options: { enum: 'vehicleKind', values: ['cylinder_truck', 'van', 'tricycle', 'motorcycle', 'other'] }, required: true },
      ...credentialFields('permit'),
    ],
  },
  workers: {
    resource: 'workers',
    credentials: ['certificate'],
    importable: true,
    columns: [
      { path: 'staffNumber', label: 'fields.staffNumber', width: 100 },
      { path: 'realName', label: 'fields.realName', width: 120 },
      { path: 'idNumber', label: 'fields.idNumber', width: 190 },
      { path: 'role', label: 'fields.workerRole', kind: 'enum', enumName: 'workerRole' },
      { path: 'certificate', label: 'credentialFields.certificate', kind: 'credential' },
      { path: 'active', label: 'fields.active', kind: 'active', width: 90 },
    ],
    filters: [{ key: 'role', label: 'fields.workerRole', options: { enum: 'workerRole', values: ['filling_operator', 'delivery_worker', 'other'] } }, statusFilter],
    fields: [
      { path: 'enterpriseId', type: 'enterprise', createOnly: true, cityWide: true, required: true },
      { path: 'realName', type: 'text', label: 'fields.realName', required: true },
      { path: 'staffNumber', type: 'text', label: 'fields.staffNumber', required: true },
      { path: 'idNumber', type: 'text', label: 'fields.idNumber', required: true, createOnly: true },
      { path: 'role', type: 'select', label: 'fields.workerRole', options: { enum: 'workerRole', values: ['filling_operator', 'delivery_worker', 'other'] }, required: true },
      { path: 'siteId', type: 'site', label: 'fields.workSite' },
      ...credentialFields('certificate'),
    ],
  },
  customers: {
    resource: 'customers',
    credentials: [],
    importable: true,
    columns: [
      { path: 'realName', label: 'fields.customerName', width: 180 },
      { path: 'kind', label: 'fields.customerKind', kind: 'enum', enumName: 'customerKind' },
      { path: 'phone', label: 'fields.phone', width: 130 },
      { path: 'districtCode', label: 'fields.districtCode', kind: 'district' },
      { path: 'address', label: 'fields.address', width: 240 },
      { path: 'active', label: 'fields.active', kind: 'active', width: 90 },
    ],
    filters: [{ key: 'kind', label: 'fields.customerKind', options: { enum: 'customerKind', values: ['household', 'business'] } }],
    fields: [
      { path: 'enterpriseId', type: 'enterprise', createOnly: true, cityWide: true, required: true },
      { path: 'kind', type: 'select', label: 'fields.customerKind', options: { enum: 'customerKind', values: ['household', 'business'] }, required: true, createOnly: true },
      { path: 'realName', type: 'text', label: 'fields.customerName', required: true },
      { path: 'idNumber', type: 'text', label: 'fields.idNumber', createOnly: true, when: { path: 'kind', equals: 'household' } },
      { path: 'uscc', type: 'text', label: 'fields.uscc', when: { path: 'kind', equals: 'business' } },
      { path: 'phone', type: 'text', label: 'fields.phone', required: true },
      { path: 'address', type: 'text', required: true },
      { path: 'districtCode', type: 'district', required: true },
    ],
  },
  cylinders: {
    resource: 'cylinders',
    credentials: [],
    importable: true,
    columns: [
      { path: 'serial', label: 'fields.serial', width: 150 },
      { path: 'grai', label: 'fields.grai', width: 160 },
      { path: 'model', label: 'fields.model', width: 90 },
      { path: 'status', label: 'fields.cylinderStatus', kind: 'enum', enumName: 'cylinderStatus' },
      { path: 'nextInspectionDate', label: 'fields.nextInspectionDate', kind: 'date' },
      { path: 'manufacturer', label: 'fields.manufacturer', width: 150 },
      { path: 'active', label: 'fields.active', kind: 'active', width: 90 },
    ],
    filters: [
      { key: 'status', label: 'fields.cylinderStatus', options: { enum: 'cylinderStatus', values: ['in_service', 'overdue_inspection', 'past_service_life', 'scrapped'] } },
      { key: 'nominalKg', label: 'fields.nominalKg', options: { enum: 'nominalKg', values: ['5', '15', '50'] } },
    ],
    fields: [
      { path: 'enterpriseId', type: 'enterprise', createOnly: true, cityWide: true, required: true },
      { path: 'serial', type: 'text', label: 'fields.serial', required: true, createOnly: true },
      { path: 'manufacturer', type: 'text', label: 'fields.manufacturer', required: true },
      { path: 'manufactureDate', type: 'date', label: 'fields.manufactureDate', required: true, createOnly: true },
      { path: 'nominalKg', type: 'select', label: 'fields.nominalKg', options: { enum: 'nominalKg', values: [5, 15, 50] }, required: true, createOnly: true },
      { path: 'tareKg', type: 'number', label: 'fields.tareKg', required: true },
      { path: 'fillingSiteId', type: 'fillingSite', label: 'fields.fillingSite', required: true },
      { path: 'lastInspectionDate', type: 'date', label: 'fields.lastInspectionDate' },
      { path: 'designLifeYears', type: 'number', label: 'fields.designLifeYears' },
    ],
  },
};

export const RESOURCE_NAMES = Object.keys(RESOURCES) as ResourceDef['resource'][];

/** Reads a dotted path of a record ('licence.status'). */
export function valueAt(record: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), record);
}

/**
 * The body a form sends: its filled fields set at their paths; an empty field is left out (the API
 * leaves it as it is), and a hidden one (`when` not met) too.
 */
export function bodyOf(fields: readonly FieldDef[], values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.when && values[field.when.path] !== field.when.equals) continue;
    const value = values[field.path];
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && value.some((v) => v === undefined || v === null || v === '')) continue;
    const keys = field.path.split('.');
    let target = body;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys[keys.length - 1] as string] = value;
  }
  return body;
}

/** The form field an API field error belongs to: the field itself, or the nearest one above it. */
export function fieldForError(fields: readonly FieldDef[], path: string): string | undefined {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    if (fields.some((f) => f.path === p)) return p;
  }
  return undefined;
}
