import type zhCN from './zh-CN';

/** The console in English: the same keys as zh-CN.ts (the type says so). */
const en: typeof zhCN = {
  app: { name: 'LPG Trace', shortName: 'LPG Trace', tagline: 'Cylinder QR identity · chain of custody · real-time supervision' },
  languages: { 'zh-CN': '简体中文', en: 'English' },
  common: {
    language: 'Language', search: 'Search', actions: 'Actions', details: 'Details', edit: 'Edit', save: 'Save', cancel: 'Cancel', confirm: 'Confirm',
    back: 'Back', more: 'Load more', next: 'Next', previous: 'Previous', page: 'Page {n}', empty: 'No data', choose: 'Choose',
    chooseDate: 'Pick a date', active: 'Active', inactive: 'Deactivated',
  },
  errors: { network: 'The platform cannot be reached; check the network and try again', unexpected: 'Something went wrong; try again later' },
  login: {
    title: 'Log in', username: 'Username', password: 'Password', usernamePlaceholder: 'Your username', passwordPlaceholder: 'Your password',
    submit: 'Log in', missing: 'Enter your username and password', apiDocs: 'API documentation', publicCheck: "Scan a cylinder's QR code to check it",
  },
  layout: { logout: 'Log out', changePassword: 'Change password', scopeCity: 'Whole city', scopeDistrict: 'District: {district}', scopeEnterprise: 'Own enterprise' },
  roles: { city_regulator: 'City regulator', district_regulator: 'District regulator', enterprise_admin: 'Enterprise admin', filling_operator: 'Filling operator', delivery_worker: 'Delivery worker', auditor: 'Auditor' },
  sections: { overview: 'Overview', supervision: 'Supervision', registry: 'Registries', codes: 'Codes & imports', ledger: 'Traceability', station: 'Filling station' },
  menu: {
    overview: 'Workbench', credentialQueue: 'Credential checks', rejectedEvents: 'Refused events', enterprises: 'Enterprises', sites: 'Sites', vehicles: 'Vehicles',
    workers: 'Workers', customers: 'Customers', cylinders: 'Cylinders', imports: 'CSV import', labels: 'Codes & labels', timeline: 'Cylinder history',
  },
  nouns: { enterprises: 'enterprise', sites: 'site', vehicles: 'vehicle', workers: 'worker', customers: 'customer', cylinders: 'cylinder' },
  fields: {
    enterpriseName: 'Enterprise name', uscc: 'Unified social credit code', districtCode: 'District', address: 'Address', active: 'State', siteCode: 'Station code', siteName: 'Site name',
    siteKind: 'Site kind', plate: 'Plate', vehicleKind: 'Vehicle kind', staffNumber: 'Staff number', realName: 'Name', idNumber: 'ID number', workerRole: 'Role',
    workSite: 'Site', customerName: 'Customer name', customerKind: 'Customer kind', phone: 'Phone', serial: 'Steel-stamp serial', grai: 'Code (GRAI)', model: 'Model',
    cylinderStatus: 'Cylinder status', nextInspectionDate: 'Next inspection', lastInspectionDate: 'Last inspection', manufacturer: 'Manufacturer', manufactureDate: 'Manufactured',
    nominalKg: 'Nominal fill', tareKg: 'Tare (kg)', fillingSite: 'Filling station', designLifeYears: 'Design life (years)', serviceLifeEndsAt: 'Service life ends',
    credentialStatus: 'Credential status', scope: 'Scope', issuer: 'Issuer', validFrom: 'Valid from', validTo: 'Valid to', longitude: 'Longitude', latitude: 'Latitude',
    coordinates: 'Coordinates (longitude, latitude)', enterprise: 'Enterprise', enterpriseId: 'Enterprise', site: 'Site', cylinder: 'Cylinder',
  },
  credentialFields: {
    licence: 'Operation licence', fillingLicence: 'Filling licence', permit: 'Transport permit', certificate: 'Training certificate',
    licenceNumber: 'Licence number', fillingLicenceNumber: 'Filling licence number', permitNumber: 'Permit number', certificateNumber: 'Certificate number',
  },
  enums: {
    credentialStatus: { valid: 'Valid', expiring: 'Expiring', expired: 'Expired', not_yet_valid: 'Not yet valid', unverified: 'Unverified', rejected: 'Rejected', suspended: 'Suspended', revoked: 'Revoked', missing: 'Missing' },
    credentialState: { submitted: 'Submitted', rejected: 'Rejected', verified: 'Verified', suspended: 'Suspended', revoked: 'Revoked', none: 'None' },
    siteKind: { filling_station: 'Filling station', supply_point: 'Supply point' },
    vehicleKind: { cylinder_truck: 'Cylinder truck', van: 'Van', tricycle: 'Tricycle', motorcycle: 'Motorcycle', other: 'Other' },
    workerRole: { filling_operator: 'Filling operator', delivery_worker: 'Delivery worker', other: 'Other' },
    customerKind: { household: 'Household', business: 'Business' },
    cylinderStatus: { in_service: 'In service', overdue_inspection: 'Inspection overdue', past_service_life: 'Past service life', scrapped: 'Scrapped' },
    nominalKg: { 5: '5 kg (YSP-5)', 15: '15 kg (YSP-15)', 50: '50 kg (YSP-50)' },
  },
  commands: { submit: 'Submit', verify: 'Verify', reject: 'Reject', suspend: 'Suspend', revoke: 'Revoke', reinstate: 'Reinstate', amend: 'Amend' },
  credentials: {
    heading: 'Credentials', number: 'Number', reason: 'Reason (required)', reasonOptional: 'Note (optional)', reasonRequired: 'Give a reason', done: '{command}: done',
    renewal: 'Renewal awaiting verification: {number}, valid to {validTo}', lastDecision: 'Last decision: {at} {command}', none: 'No {kind} registered',
  },
  registry: {
    search: 'Name, code, plate, serial', create: 'New {noun}', createTitle: 'New {noun}', editTitle: 'Edit {noun}', detailTitle: '{noun} details',
    created: 'Created', saved: 'Saved', deactivate: 'Deactivate', deactivated: 'Deactivated',
  },
  queue: { statusLabel: 'Credential status', hint: 'A credential an enterprise submits counts only once a regulator verifies it', holder: 'Holder', empty: 'No credential in this status' },
  rejected: {
    allReasons: 'All reasons', reason: 'Reason', hint: 'Events the ledger refused, with their evidence', empty: 'No refused events', occurredAt: 'Occurred', type: 'Event', reasons: 'Reasons',
  },
  eventTypes: {
    commission: 'Commission', inspect: 'Pre-fill check', fill: 'Fill', dispatch: 'Dispatch', receive: 'Receive', sell: 'Sale', hand_over: 'Hand-over',
    return_empty: 'Empty return', periodic_inspection: 'Periodic inspection', scrap: 'Scrap', report_lost: 'Reported lost', error_declaration: 'Error declaration',
  },
  states: {
    unregistered: 'Unregistered', empty_at_station: 'Empty at station', inspected_at_station: 'Checked, to fill', full_at_station: 'Full at station', in_transit: 'In transit',
    at_supply_point: 'At supply point', with_customer: 'With customer', scrapped: 'Scrapped', lost: 'Lost',
  },
  timeline: {
    search: 'Steel-stamp serial, GRAI or cylinder id', prompt: 'Look a cylinder up to see its whole chain of custody', notFound: 'No cylinder "{text}"', noCode: 'Not commissioned',
    chainVerified: 'Chain verified', chainBroken: 'Chain verification failed', chainFacts: '{events} events verified, {included} in the signed log (tree size {size}), {pending} awaiting a checkpoint',
    outOfScope: "The cylinder's chain leaves your district: the city regulator verifies and exports whole chains", export: 'Export for an auditor', noEvents: 'No events yet',
    logPosition: 'log position {n}', proof: 'Inclusion proof', proofTitle: 'Log inclusion proof (RFC 6962)', leafIndex: 'Leaf index', treeSize: 'Tree size', leafHash: 'Leaf hash', auditPath: 'Audit path',
  },
  imports: {
    stepChoose: 'Choose a file', stepCheck: 'Check', stepImport: 'Import', registry: 'Registry', template: 'Download the template', choose: 'Choose a CSV file',
    hint: 'UTF-8, or "CSV (comma delimited)" as Chinese Excel saves it (GBK). Every row is checked first; the import writes all rows or none.',
    checked: 'Check passed: {rows} rows, {created} new, {updated} updated, {unchanged} unchanged', rejected: '{count} problems found ({rows} rows); nothing was imported. Fix the file and choose it again',
    done: 'Imported: {created} new, {updated} updated, {unchanged} unchanged', import: 'Import {rows} rows', again: 'Choose again', line: 'Line', column: 'Column', reason: 'Problem',
  },
  labels: {
    search: 'Serial, GRAI', allStations: 'All filling stations', codedFilter: 'Coded', codedAll: 'All', codedNo: 'Not coded', codedYes: 'Coded', notCoded: 'Not coded',
    commission: 'Commission ({count})', print: 'Print labels ({count})', commissioned: '{count} cylinders commissioned', refused: '{serial}: commissioning refused', selected: '{count} selected',
    sheetTitle: 'Cylinder QR labels', sheetSummary: '{count} labels on {pages} A4 pages; {skipped} skipped', printNow: 'Print',
    skip: { NOT_COMMISSIONED: 'not commissioned yet', NOT_FOUND: 'missing or outside your scope' },
  },
  overview: {
    welcome: 'Welcome, {name}',
    cards: {
      pending_enterprises: 'Enterprise licences to verify', pending_sites: 'Site licences to verify', pending_vehicles: 'Transport permits to verify', pending_workers: 'Training certificates to verify',
      overdueCylinders: 'Cylinders overdue for inspection', pastLifeCylinders: 'Cylinders past service life', expiredWorkers: 'Workers with expired certificates', refusals: 'Refused events',
    },
    refusalsByReason: 'Latest refused events by reason',
  },
  password: {
    title: 'Change password', mustChange: 'An administrator reset your password: set a new one first', current: 'Current password', new: 'New password', repeat: 'New password again',
    submit: 'Change password', differ: 'The two new passwords differ', changed: 'Password changed',
  },
  notFound: { title: 'No such page', detail: 'The page does not exist, or you may not see it', back: 'Back to the workbench' },
  // Enterprise and station pages (issue 16c).
  enterprise: {
    menu: { alerts: 'Our alerts', cases: 'Cases to rectify', case: 'Case', credentials: 'Credentials & renewals' },
    refresh: 'Refresh',
    subjects: { site: 'Site', enterprise: 'Enterprise', worker: 'Worker', cylinder: 'Cylinder', vehicle: 'Vehicle', location: 'Place', device: 'Filling scale', code: 'Cylinder code', case: 'Case', customer: 'Customer' },
    evidence: { event: 'Custody event', refusal: 'Refused event', scan: 'Public scan', report: 'Public report', decision: 'Interlock decision', scale: 'Filling scale', credential: 'Credential', case: 'Case', flow: 'Delivery' },
    alerts: {
      hint: 'Problems supervision found about your enterprise; regulators decide on them, you put them right', empty: 'No alerts', status: 'Status', allStatuses: 'All statuses',
      severity: 'Severity', allSeverities: 'All severities', rule: 'Alert', detail: 'Latest', count: 'Count', firstSeenAt: 'First seen', lastSeenAt: 'Last seen',
      subject: 'Subject', acknowledged: 'Acknowledged', dismissed: 'Dismissed', case: 'In case', evidence: 'Evidence', cylinderTimeline: "Cylinder's timeline",
      statuses: { open: 'Open', acknowledged: 'Acknowledged', dismissed: 'Dismissed', closed: 'Closed' },
      severities: { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' },
    },
    cases: {
      hint: 'Cases the regulators opened about your enterprise: submit the rectification, with photos, before the deadline', empty: 'No cases', status: 'Status', allStatuses: 'All statuses',
      overdueOnly: 'Overdue only', number: 'Number', title: 'Title', deadline: 'Deadline', overdue: 'Overdue', updatedAt: 'Updated', createdAt: 'Opened',
      rectify: 'Rectify', backToList: '← Back to the cases', subject: 'Subject', legalBasis: 'Legal basis', description: 'Description', officer: 'Officer',
      rectifyTitle: 'Submit the rectification', text: 'What was done', textPlaceholder: 'Describe the measures taken', textRequired: 'Say what was done',
      photos: 'Photos (at most {max})', addPhotos: 'Add photos', removePhoto: 'Remove', photo: 'Rectification photo', submit: 'Submit', submitted: 'Submitted; awaiting review',
      waitingAssign: 'The case is open; the regulator will name an officer and a deadline', waitingReview: 'The rectification is submitted and awaits review',
      rectifications: 'Rectifications', noRectifications: 'None submitted yet', history: 'History',
      statuses: { open: 'Open', assigned: 'Rectifying', submitted: 'Under review', escalated: 'Not rectified', closed: 'Closed' },
      outcomes: { rectified: 'Rectified', unfounded: 'Unfounded' },
      actions: { open: 'Opened', assign: 'Assigned', rectification: 'Rectification', review: 'Review' },
    },
    credentials: {
      hint: 'What you submit counts once a regulator verified it; until a renewal is verified the current credential stays in force', empty: 'No credentials', allStatuses: 'All statuses', kind: 'Credential',
      progress: 'Verification', submit: 'Submit', renew: 'Submit renewal', submitted: 'Submitted; awaiting verification', required: 'Required',
      renewHint: 'The current credential stays in force until the renewal is verified', submitHint: 'A regulator verifies it', note: 'Note',
    },
  },
  station: {
    menu: { scales: 'Scales live' },
    station: 'Filling station', chooseStation: 'Choose a station', noStations: 'Your enterprise has no filling station', noScales: 'No scale registered at this station',
    refreshedAt: 'Updated {time} · every {seconds} s', stationLocked: 'The station is locked by a regulator ({at}): every scale refuses to fill',
    lockReason: 'Reason: {reason}', manualMode: 'Manual mode until {until}', scaleLocked: 'Locked by a regulator: {reason} ({at})', lockedWithStation: 'Locked with the station',
    kpis: { fills: 'Fills today', netKg: 'Filled today (kg)', online: 'Online', offline: 'Offline', locked: 'Locked', denials: 'Denied today' },
    lights: { online: 'Online', offline: 'Offline', locked: 'Locked', revoked: 'Revoked' },
    scales: 'Scales', lastSeenAt: 'Last heard', neverSeen: 'Never', buffered: 'Buffered reports', fillsToday: 'Fills today', calibrationDueOn: 'Calibration due', firmware: 'Firmware',
    decisions: "Today's interlock decisions", allDecisions: 'All', denialsOnly: 'Denials only', noDecisions: 'No decisions today', time: 'Time', scale: 'Scale', answer: 'Answer',
    answers: { allow: 'Allowed', deny: 'Denied', report_refused: 'Report refused' }, reasons: 'Reasons', operator: 'Operator',
    perScale: 'Fills per scale on {day}', perOperator: 'Fills per operator', fills: 'Fills', netKg: 'Net kg', anomalous: 'Anomalies', lastFill: 'Latest', noFills: 'No fills yet today',
  },
  collisions: {
    menu: 'Offline collisions',
    hint: 'Offline uploads that collided with what the platform had: accept one as a correction of the earlier record, or dismiss it', empty: 'No collisions', status: 'Status', allStatuses: 'All statuses',
    occurredAt: 'Occurred', refused: 'Refused record', reason: 'Reason', conflictsWith: 'Collided with', nothingToCorrect: 'Nothing to correct', timeline: 'Timeline',
    accept: 'Accept as correction', dismiss: 'Dismiss', note: 'Note', noteRequired: 'Say why',
    explain: { accept: 'Records an error declaration: the earlier record is void and the offline one stands (refused when the cylinder has moved on since)', dismiss: 'The offline record is not taken; the earlier one stands' },
    done: { accept: 'Accepted as a correction', dismiss: 'Dismissed' },
    statuses: { open: 'Open', accepted: 'Corrected', dismissed: 'Dismissed' },
    roles: { load: 'Load', receive: 'Receive', deliver: 'Deliver', collect: 'Collect' },
  },
};

export default en;
