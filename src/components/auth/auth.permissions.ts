/**
 * Who may do what: the one permission table of LPG Trace. Routes ask `can(role, resource, action)`;
 * which records they may do it to is decided by `scopeFilter` (auth.principal.ts) where data is read.
 */
export const ROLES = [
  'city_regulator',
  'district_regulator',
  'enterprise_admin',
  'filling_operator',
  'delivery_worker',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

export const RESOURCES = [
  'districts',
  'enterprises',
  'sites',
  'vehicles',
  'workers',
  'customers',
  'cylinders',
  'users',
  'devices',
  'audit',
  // Custody ledger events: append-only, so 'create' is the only write (no update, no deactivate).
  'events',
  // The Merkle log: checkpoints, proofs and offline-verifiable exports (read-only for everyone).
  'ledger',
  // Damaged positions the log found while integrating: the city regulator's alert (and the auditor's).
  'ledger_incidents',
  // A commissioned cylinder's stamped facts (serial, manufacturer, manufacture date, nominal size,
  // design life) are corrected by a regulator with a reason: 'create' a correction.
  'cylinder_corrections',
  // A move of a cylinder to another filling station of its owner: the enterprise requests it
  // ('create'), a regulator approves or rejects it ('update').
  'cylinder_transfers',
  // Recording a periodic_inspection event (it moves the inspection dates): the inspection body's
  // act, not the owner's. Until inspection bodies are registered, regulators record it.
  'periodic_inspections',
  // Licences, permits and certificates of enterprises, sites, vehicles and workers: their lifecycle
  // (registry/credential.lifecycle.ts). Scope is the holder record's (a district regulator: its district).
  'credentials',
  // Events capture refused, with their evidence (rejected_events): read by supervision, within the one read rule of events.
  'rejected_events',
  // The delivery worker's day as flows (load, receive, deliver, collect, home safety check, offline
  // sync, hand-over codes, photos and signatures): a worker records them ('create'); supervision reads them.
  'deliveries',
  // Offline uploads that put one cylinder in two places: the enterprise resolves them ('update':
  // accept as a correction, or dismiss); the regulators see the list.
  'delivery_collisions',
  // Failed items of home safety checks (入户安检), open until a later check passes them.
  'hazards',
  // One-time links to a customer's own page (no password): handed out by the enterprise's staff.
  'customer_links',
  // The regulator's remote control of filling scales (issue 12): locking and unlocking a scale or a
  // whole station, and a station's time-limited manual mode ('create' a control decision).
  'scale_controls',
  // Filling records (充装记录) the scales reported: per station and day, per scale, per operator.
  'fill_records',
  // Supervision's alerts (alerts component): read within scope (live over Socket.IO too); a regulator
  // acknowledges or dismisses ('update'). The auditor and the enterprise's staff see none.
  'alerts',
  // Cases (立案 → 整改 → 复查销号): a regulator opens ('create'), assigns and reviews ('update') them;
  // the enterprise concerned reads its own and submits its rectification ('submit').
  'cases',
  // Premises inspections with a checklist: a regulator records them ('create'); failed items are hazards.
  'inspections',
  // The inspection checklists (data, versioned): the city regulator edits them ('update').
  'inspection_checklists',
  // The public's reports (举报) from the verification page: the regulators' queue ('update': dismiss).
  'public_reports',
] as const;
export type Resource = (typeof RESOURCES)[number];

export const ACTIONS = ['read', 'create', 'update', 'deactivate', 'import', 'submit', 'verify', 'reject', 'suspend', 'revoke', 'reinstate', 'amend'] as const;
export type Action = (typeof ACTIONS)[number];

const ALL: readonly Action[] = ['read', 'create', 'update', 'deactivate', 'import'];
const READ: readonly Action[] = ['read'];
const WRITE: readonly Action[] = ['read', 'create', 'update', 'deactivate'];
const CAPTURE: readonly Action[] = ['read', 'create'];
/** A regulator's authority over credentials: only what it verified counts. */
const LICENSING: readonly Action[] = ['submit', 'verify', 'reject', 'suspend', 'revoke', 'reinstate', 'amend'];

export const PERMISSIONS: Readonly<Record<Role, Partial<Record<Resource, readonly Action[]>>>> = {
  // The city gas regulator keeps the registries: licences are issued and revoked by the city.
  city_regulator: {
    districts: WRITE,
    enterprises: WRITE,
    sites: ALL,
    vehicles: ALL,
    workers: ALL,
    customers: ALL,
    cylinders: ALL,
    users: WRITE,
    devices: READ,
    audit: READ,
    events: READ,
    ledger: READ,
    ledger_incidents: READ,
    cylinder_corrections: ['create'],
    cylinder_transfers: ['read', 'update'],
    periodic_inspections: ['create'],
    credentials: LICENSING,
    rejected_events: READ,
    deliveries: READ,
    delivery_collisions: READ,
    hazards: READ,
    scale_controls: CAPTURE,
    fill_records: READ,
    alerts: ['read', 'update'],
    cases: ['read', 'create', 'update'],
    inspections: CAPTURE,
    inspection_checklists: ['read', 'update'],
    public_reports: ['read', 'update'],
  },
  // A district regulator supervises its district: it reads everything there and changes no record,
  // but it is the authority over its district's cylinders (corrections, transfers, inspections) and
  // holds the licensing authority over the credentials of the records in its district.
  district_regulator: {
    districts: READ,
    enterprises: READ,
    sites: READ,
    vehicles: READ,
    workers: READ,
    customers: READ,
    cylinders: READ,
    users: READ,
    devices: READ,
    audit: READ,
    // Only events whose site lies in the district (ledger scope).
    events: READ,
    ledger: READ,
    cylinder_corrections: ['create'],
    cylinder_transfers: ['read', 'update'],
    periodic_inspections: ['create'],
    credentials: LICENSING,
    rejected_events: READ,
    deliveries: READ,
    delivery_collisions: READ,
    hazards: READ,
    // Its own district's stations and scales only (scope).
    scale_controls: CAPTURE,
    fill_records: READ,
    // Its district's alerts only (alerts scope).
    alerts: ['read', 'update'],
    // Its district's cases, inspections and public reports; the checklists are the city's.
    cases: ['read', 'create', 'update'],
    inspections: CAPTURE,
    inspection_checklists: READ,
    public_reports: ['read', 'update'],
  },
  // An enterprise registers its own stations, vehicles, workers, customers and cylinders.
  enterprise_admin: {
    districts: READ,
    enterprises: READ,
    sites: ALL,
    vehicles: ALL,
    workers: ALL,
    customers: ALL,
    cylinders: ALL,
    users: WRITE,
    devices: WRITE,
    audit: READ,
    events: CAPTURE,
    cylinder_transfers: ['read', 'create'],
    // It submits its own credentials (and renewals); only a regulator makes them count.
    credentials: ['submit'],
    // Its own refusals (the cylinder's enterprise): what its staff and devices must put right.
    rejected_events: READ,
    // Its workers' flows and hazards; the flows themselves are the workers' (a worker's certificate is checked on each).
    deliveries: READ,
    delivery_collisions: ['read', 'update'],
    hazards: READ,
    customer_links: ['create'],
    // It sees whether its scales are locked or in manual mode; only a regulator decides.
    scale_controls: READ,
    fill_records: READ,
    // Alerts about itself, its sites, workers, vehicles and cylinders; it does not decide on them.
    alerts: READ,
    // The cases about itself: it submits the rectification; the inspections of its premises.
    cases: ['read', 'submit'],
    inspections: READ,
    inspection_checklists: READ,
  },
  // Operators and delivery workers read what their work needs; their own worker record only.
  // They record custody events and read back the events they recorded themselves.
  filling_operator: { districts: READ, enterprises: READ, sites: READ, vehicles: READ, workers: READ, cylinders: READ, events: CAPTURE },
  // A delivery worker records its flows and reads back its own; it sees its customers' open hazards at the door.
  delivery_worker: { districts: READ, enterprises: READ, sites: READ, vehicles: READ, workers: READ, customers: READ, cylinders: READ, events: CAPTURE, deliveries: CAPTURE, hazards: READ, customer_links: ['create'] },
  // An auditor reads the whole city and writes nothing.
  auditor: {
    districts: READ,
    enterprises: READ,
    sites: READ,
    vehicles: READ,
    workers: READ,
    customers: READ,
    cylinders: READ,
    users: READ,
    devices: READ,
    audit: READ,
    events: READ,
    ledger: READ,
    ledger_incidents: READ,
    cylinder_transfers: READ,
    rejected_events: READ,
    deliveries: READ,
    delivery_collisions: READ,
    hazards: READ,
    scale_controls: READ,
    fill_records: READ,
    cases: READ,
    inspections: READ,
    inspection_checklists: READ,
    public_reports: READ,
  },
};

/**
 * Which roles' account decisions outrank which: a deactivation is lifted only by a role of the
 * deactivator's rank or higher, so an enterprise cannot undo the city regulator's decision.
 */
export const AUTHORITY_RANK: Readonly<Record<Role, number>> = {
  city_regulator: 3,
  district_regulator: 2,
  enterprise_admin: 1,
  filling_operator: 0,
  delivery_worker: 0,
  auditor: 0,
};

export function can(role: Role, resource: Resource, action: Action): boolean {
  return PERMISSIONS[role][resource]?.includes(action) ?? false;
}
