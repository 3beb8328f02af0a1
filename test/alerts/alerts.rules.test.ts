import type { LedgerEvent, Refusal } from '../../src/components/ledger';
import type { PublicReport, PublicScan } from '../../src/components/qr';
import { DEFAULT_ALERT_POLICY } from '../../src/components/alerts/alerts.findings';
import { cylinderDates, eventSighting, fillAnomalies, mobileSelling, outOfCityCirculation, refusalFindings, unconfirmedHandOvers } from '../../src/components/alerts/alerts.rules.ledger';
import { reportFindings, scanFindings } from '../../src/components/alerts/alerts.rules.public';
import { DENY_REASON_RULES, decisionFindings, expiringCredentialFindings, silentScaleFindings } from '../../src/components/alerts/alerts.rules.devices';
import { INTERLOCK_DENY_CODES } from '../../src/components/devices';
import type { InterlockDecision } from '../../src/components/alerts/alerts.sources';
import { evaluate } from '../../src/components/alerts/alerts.evaluate';
import { mergeFindings, decided } from '../../src/components/alerts/alerts.merge';

/** Each rule fires on its scenario and stays silent on the legal path next to it (pure: fabricated inputs, no I/O). */
const T0 = new Date('2025-06-01T08:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const policy = DEFAULT_ALERT_POLICY;
let n = 0;

function event(type: LedgerEvent['type'], extra: Partial<LedgerEvent> = {}): LedgerEvent {
  n += 1;
  return {
    eventId: `e-${n}`, logSeq: n, cylinderId: 'cyl1', enterpriseId: 'ent1', districtCode: '441802', type, occurredAt: T0, receivedAt: T0,
    actor: { kind: 'user', id: 'u1', role: 'delivery_worker', enterpriseId: 'ent1', workerId: 'w1' }, where: { siteId: 'site1' }, payload: {},
    bizStep: '', disposition: '', fromState: 'full_at_station', toState: 'with_customer', cylinderSeq: n, prevHash: null, hash: 'h', ...extra,
  };
}

function refusal(type: string, reasons: Refusal['reasons'], extra: Partial<Refusal> = {}): Refusal {
  n += 1;
  return {
    id: `r-${n}`, refusalSeq: n, eventId: `x-${n}`, cylinderId: 'cyl1', grai: null, enterpriseId: 'ent1', districtCode: '441802', type, reason: reasons[0]?.reason ?? 'X', detail: '', reasons,
    fromState: 'at_supply_point', occurredAt: T0, receivedAt: T0, actor: { kind: 'user', id: 'u1', enterpriseId: 'ent1', workerId: 'w1' }, where: { siteId: 'site1' }, payload: {}, ...extra,
  };
}

const credential = (kind: 'site_licence' | 'enterprise_licence' | 'worker_certificate', holder: 'sites' | 'enterprises' | 'workers', recordId: string) => ({ kind, holder, recordId, number: 'N-1', status: 'suspended' });

function scan(extra: Partial<PublicScan> = {}): PublicScan {
  n += 1;
  return { id: `s-${n}`, seq: n, grai: '0061414100015', verdict: 'genuine', warnings: [], at: T0, clientHash: 'abc', ...extra };
}
function report(extra: Partial<PublicReport> = {}): PublicReport {
  n += 1;
  return { id: `p-${n}`, seq: n, grai: '0061414100015', reason: 'unlicensed_seller', verdict: 'genuine', at: T0, clientHash: 'abc', ...extra };
}

const rules = (findings: { rule: string; subject: { kind: string; id: string } }[]) => findings.map((f) => `${f.rule} ${f.subject.kind}:${f.subject.id}`);

describe('rules over accepted ledger events', () => {
  it('MOBILE_SELLING: a sale from a vehicle or at no site; a sale at a site, and a delivery from a vehicle, are legal', () => {
    expect(rules(mobileSelling(event('sell', { where: { vehicleId: 'v1' } })))).toEqual(['MOBILE_SELLING vehicle:v1']);
    expect(rules(mobileSelling(event('sell', { where: {} })))).toEqual(['MOBILE_SELLING enterprise:ent1']);
    expect(mobileSelling(event('sell', { where: { siteId: 'site1' } }))).toEqual([]);
    expect(mobileSelling(event('hand_over', { where: { vehicleId: 'v1' } }))).toEqual([]);
  });

  it('OVERDUE / OVER_AGE / SCRAPPED_CYLINDER: a cylinder filled or sold past its dates; in date, or returned, is silent', () => {
    const past = new Date('2025-01-01');
    expect(rules(cylinderDates(event('fill'), { cylinder: { nextInspectionDate: past } }))).toEqual(['OVERDUE_CYLINDER cylinder:cyl1']);
    expect(rules(cylinderDates(event('sell'), { cylinder: { serviceLifeEndsAt: past, scrappedAt: past } }))).toEqual(['SCRAPPED_CYLINDER cylinder:cyl1', 'OVER_AGE_CYLINDER cylinder:cyl1']);
    expect(cylinderDates(event('fill'), { cylinder: { nextInspectionDate: new Date('2029-01-01'), serviceLifeEndsAt: new Date('2030-01-01') } })).toEqual([]);
    expect(cylinderDates(event('return_empty'), { cylinder: { nextInspectionDate: past } })).toEqual([]);
  });

  it('OVERFILL / TARE_MISMATCH from a fill\'s marks; a manual-mode fill (granted by a regulator) and a fill without marks are silent', () => {
    const anomalous = event('fill', { payload: { netKg: 16.2, permittedNetKg: 14.5, tareKg: 13, scaleId: 'scale9', anomalies: ['overfill', 'tare_mismatch', 'manual_mode'] } });
    expect(rules(fillAnomalies(anomalous))).toEqual(['OVERFILL site:site1', 'TARE_MISMATCH cylinder:cyl1']);
    expect(fillAnomalies(event('fill', { payload: { netKg: 14.5, scaleId: 'scale9', anomalies: ['manual_mode'] } }))).toEqual([]);
    expect(fillAnomalies(event('fill', { payload: { netKg: 14.5, anomalies: [] } }))).toEqual([]);
    expect(fillAnomalies(event('fill', { payload: { netKg: 14.5 } }))).toEqual([]);
  });

  it('UNREGISTERED_CUSTOMER: unconfirmed hand-overs past the daily limit per worker; confirmed ones never count', () => {
    let track: { unconfirmed: Date[] } | undefined;
    const fired: string[] = [];
    for (let i = 0; i < policy.unconfirmedHandOversPerDay + 1; i++) {
      const judged = unconfirmedHandOvers(event('hand_over', { occurredAt: minutes(i), payload: { customerId: 'c1', confirmedByCustomer: false } }), track, policy);
      track = judged.track;
      fired.push(...rules(judged.findings));
    }
    expect(fired).toEqual(['UNREGISTERED_CUSTOMER worker:w1']);
    const confirmed = unconfirmedHandOvers(event('hand_over', { payload: { customerId: 'c1', confirmedByCustomer: true } }), track, policy);
    expect(confirmed).toEqual({ findings: [] });
    // A day later the window has emptied.
    expect(unconfirmedHandOvers(event('hand_over', { occurredAt: minutes(60 * 30), payload: { customerId: 'c1' } }), track, policy).findings).toEqual([]);
  });

  it('OUT_OF_CITY_CYLINDER: circulating after a return with no local fill (or a fill declared never to have happened); after a fill it is legal', () => {
    const afterReturn = outOfCityCirculation(event('return_empty'), { filledSinceReturn: true, lastFillEventId: 'f1' }).track;
    expect(rules(outOfCityCirculation(event('dispatch'), afterReturn).findings)).toEqual(['OUT_OF_CITY_CYLINDER cylinder:cyl1']);
    const filled = outOfCityCirculation(event('fill', { eventId: 'f2' }), afterReturn).track;
    expect(outOfCityCirculation(event('dispatch'), filled).findings).toEqual([]);
    const declared = outOfCityCirculation(event('error_declaration', { payload: { declaredEventId: 'f2', reason: 'did_not_occur' } }), filled).track;
    expect(rules(outOfCityCirculation(event('sell'), declared).findings)).toEqual(['OUT_OF_CITY_CYLINDER cylinder:cyl1']);
    // A cylinder the rule has not seen from its start is not judged.
    expect(outOfCityCirculation(event('sell'), undefined).findings).toEqual([]);
  });

  it('CLONED_CODE: one code at two places no vehicle at 120 km/h reaches in the time; a drive at legal speed is silent', () => {
    const qingcheng: [number, number] = [113.05, 23.68];
    const lianzhou: [number, number] = [112.38, 24.78]; // ~140 km away
    const first = eventSighting(event('receive', { where: { coordinates: qingcheng } }), {}, undefined, policy);
    const impossible = eventSighting(event('sell', { occurredAt: minutes(30), where: { coordinates: lianzhou } }), {}, first.track, policy);
    expect(rules(impossible.findings)).toEqual(['CLONED_CODE cylinder:cyl1', 'CLONED_CODE cylinder:cyl1']);
    expect(impossible.findings.map((f) => f.evidence.id)).toEqual([first.track?.lastSighting?.evidence.id, impossible.track?.lastSighting?.evidence.id]);
    const legal = eventSighting(event('sell', { occurredAt: minutes(150), where: { coordinates: lianzhou } }), {}, first.track, policy);
    expect(legal.findings).toEqual([]);
    // The site's place counts when the event gives none; a faster vehicle is a configuration.
    expect(eventSighting(event('sell', { occurredAt: minutes(30) }), { sitePlace: lianzhou }, first.track, { ...policy, cloneSpeedKmh: 400 }).findings).toEqual([]);
  });
});

describe('rules over refusals', () => {
  it('UNLICENSED_SELLER: a sale-side event refused for the site\'s or the enterprise\'s licence; a fill refused for one is not selling', () => {
    const sale = refusal('sell', [
      { reason: 'SITE_LICENCE_INVALID', detail: '', credential: credential('site_licence', 'sites', 'site1') },
      { reason: 'ENTERPRISE_LICENCE_INVALID', detail: '', credential: credential('enterprise_licence', 'enterprises', 'ent1') },
    ] as Refusal['reasons']);
    expect(rules(refusalFindings(sale, {}))).toEqual(['UNLICENSED_SELLER site:site1', 'UNLICENSED_SELLER enterprise:ent1']);
    expect(refusalFindings(refusal('fill', [{ reason: 'SITE_LICENCE_INVALID', detail: '', credential: credential('site_licence', 'sites', 'site1') }] as Refusal['reasons']), {})).toEqual([]);
  });

  it('UNTRAINED_WORKER on an attempt by an uncertified worker; a refusal for another reason is silent', () => {
    expect(rules(refusalFindings(refusal('fill', [{ reason: 'WORKER_UNCERTIFIED', detail: '', credential: credential('worker_certificate', 'workers', 'w7') }] as Refusal['reasons']), {}))).toEqual(['UNTRAINED_WORKER worker:w7']);
    expect(refusalFindings(refusal('fill', [{ reason: 'ILLEGAL_TRANSITION', detail: '' }]), {})).toEqual([]);
  });

  it('OVERDUE / OVER_AGE / SCRAPPED_CYLINDER on a refusal for those dates', () => {
    const r = refusal('commission', [{ reason: 'INSPECTION_OVERDUE', detail: '' }, { reason: 'SERVICE_LIFE_EXCEEDED', detail: '' }, { reason: 'CYLINDER_SCRAPPED', detail: '' }]);
    expect(rules(refusalFindings(r, {}))).toEqual(['OVERDUE_CYLINDER cylinder:cyl1', 'OVER_AGE_CYLINDER cylinder:cyl1', 'SCRAPPED_CYLINDER cylinder:cyl1']);
  });

  it('OUT_OF_CITY_CYLINDER on a code the city never issued; another enterprise\'s code (issued) is not', () => {
    const unknown = refusal('receive', [{ reason: 'CYLINDER_NOT_FOUND', detail: '' }], { cylinderId: null, grai: '06141410150009X' });
    expect(rules(refusalFindings(unknown, { graiIssued: false }))).toEqual(['OUT_OF_CITY_CYLINDER code:06141410150009X']);
    expect(refusalFindings(unknown, { graiIssued: true })).toEqual([]);
    expect(rules(refusalFindings(refusal('receive', [{ reason: 'CYLINDER_NOT_FOUND', detail: '' }], { cylinderId: null, serial: 'WAI-001' }), {}))).toEqual(['OUT_OF_CITY_CYLINDER code:WAI-001']);
    // No cylinder, so the refusal carries no district: the one its site or enterprise is in (the runner reads it) is the alert's.
    const homeless = refusal('receive', [{ reason: 'CYLINDER_NOT_FOUND', detail: '' }], { cylinderId: null, grai: '06141410150009Y', districtCode: null });
    expect(refusalFindings(homeless, { graiIssued: false, districtCode: '441821' }).map((f) => f.districtCode)).toEqual(['441821']);
    expect(refusalFindings(homeless, { graiIssued: false }).map((f) => f.districtCode)).toEqual([null]);
    // A district the refusal carries is never replaced.
    expect(refusalFindings({ ...homeless, districtCode: '441802' }, { graiIssued: false, districtCode: '441821' }).map((f) => f.districtCode)).toEqual(['441802']);
  });

  it('UNREGISTERED_CUSTOMER on a hand-over refused for no registered customer; MOBILE_SELLING on a sale attempted from a vehicle', () => {
    expect(rules(refusalFindings(refusal('hand_over', [{ reason: 'CUSTOMER_NOT_REGISTERED' as never, detail: '' }]), {}))).toEqual(['UNREGISTERED_CUSTOMER worker:w1']);
    expect(rules(refusalFindings(refusal('hand_over', [{ reason: 'REFERENCE_NOT_FOUND', detail: 'payload.customerId: no active customer' }]), {}))).toEqual(['UNREGISTERED_CUSTOMER worker:w1']);
    expect(refusalFindings(refusal('hand_over', [{ reason: 'REFERENCE_NOT_FOUND', detail: 'vehicleId: no active vehicle' }]), {})).toEqual([]);
    expect(rules(refusalFindings(refusal('sell', [{ reason: 'ILLEGAL_TRANSITION', detail: '' }], { where: { vehicleId: 'v1' } }), {}))).toEqual(['MOBILE_SELLING vehicle:v1']);
  });
});

describe('rules over the public\'s scans and reports', () => {
  const cylinder = { id: 'cyl1', enterpriseId: 'ent1', districtCode: '441802' };

  it('maps the verification page\'s warnings to rules; a genuine, clean scan is silent', () => {
    const bad = scanFindings(scan({ verdict: 'unknown', warnings: ['UNKNOWN_CODE'] }), {}, {}, policy);
    expect(rules(bad.findings)).toEqual(['OUT_OF_CITY_CYLINDER code:0061414100015']);
    const warned = scanFindings(scan({ warnings: ['SCRAPPED', 'OVERDUE_INSPECTION', 'FILL_NOT_REGISTERED'] }), { cylinder }, {}, policy);
    expect(rules(warned.findings)).toEqual(['SCRAPPED_CYLINDER cylinder:cyl1', 'OVERDUE_CYLINDER cylinder:cyl1', 'OUT_OF_CITY_CYLINDER cylinder:cyl1']);
    expect(scanFindings(scan(), { cylinder }, {}, policy).findings).toEqual([]);
  });

  it('UNLICENSED_SELLER at a black point: many codes scanned within a day at a place with no licensed site; the same at a licensed site is silent', () => {
    const place = { lat: 23.7, lng: 113.1 };
    let tracks = {};
    const fired: string[] = [];
    for (let i = 0; i < policy.blackPointDistinctCodes; i++) {
      const judged = scanFindings(scan({ grai: `006141410001${i}`, location: place, at: minutes(i) }), { cylinder, licensedSiteNear: false }, tracks, policy);
      tracks = { cell: judged.tracks.cell };
      fired.push(...rules(judged.findings));
    }
    expect(fired).toEqual(['UNLICENSED_SELLER location:113.100,23.700']);
    const atShop = scanFindings(scan({ grai: '0061414100099', location: place }), { cylinder, licensedSiteNear: true }, tracks, policy);
    expect(atShop.findings).toEqual([]);
  });

  it('a report of a seller at no licensed site is UNLICENSED_SELLER; at a licensed site, or about a leak, it is not', () => {
    const at: [number, number] = [113.1, 23.7];
    expect(rules(reportFindings(report({ coordinates: at }), { cylinder, licensedSiteNear: false }, undefined, policy).findings)).toEqual(['UNLICENSED_SELLER location:113.100,23.700']);
    expect(reportFindings(report({ coordinates: at }), { cylinder, licensedSiteNear: true }, undefined, policy).findings).toEqual([]);
    expect(reportFindings(report({ coordinates: at, reason: 'damaged_or_leaking' }), { cylinder, licensedSiteNear: false }, undefined, policy).findings).toEqual([]);
    expect(rules(reportFindings(report({ reason: 'mobile_selling' }), {}, undefined, policy).findings)).toEqual(['MOBILE_SELLING code:0061414100015']);
  });
});

describe('rules over the interlock, the scales and the credentials (fabricated sources)', () => {
  const decision = (extra: Partial<InterlockDecision>): InterlockDecision => ({ seq: 1, kind: 'authorize', decision: 'deny', reasons: [], deviceId: 'scale1', siteId: 'site1', enterpriseId: 'ent1', districtCode: '441802', cylinderId: 'cyl1', code: 'G1', operator: 'w3', at: T0, ...extra });

  it('a denial for an overdue cylinder or an untrained operator, and a fill reported though refused; an allowed fill and a lock denial are silent', () => {
    expect(rules(decisionFindings(decision({ reasons: [{ code: 'INSPECTION_OVERDUE' }, { code: 'OPERATOR_UNCERTIFIED' }] })))).toEqual(['OVERDUE_CYLINDER cylinder:cyl1', 'UNTRAINED_WORKER worker:w3']);
    expect(rules(decisionFindings(decision({ kind: 'report_refused' })))).toEqual(['SCALE_LOCK_BYPASS device:scale1']);
    expect(decisionFindings(decision({ decision: 'allow' }))).toEqual([]);
    expect(decisionFindings(decision({ reasons: [{ code: 'SCALE_LOCKED' }] }))).toEqual([]);
  });

  /** Every deny code of the interlock and what supervision must make of it, written out from the issue (not read from the table under test). */
  const EXPECTED: Record<string, string[]> = {
    UNKNOWN_CODE: ['OUT_OF_CITY_CYLINDER code:G1'],
    BAD_SIGNATURE: ['OUT_OF_CITY_CYLINDER code:G1'],
    SCRAPPED: ['SCRAPPED_CYLINDER cylinder:cyl1'],
    LOST: [],
    INSPECTION_OVERDUE: ['OVERDUE_CYLINDER cylinder:cyl1'],
    SERVICE_LIFE_EXCEEDED: ['OVER_AGE_CYLINDER cylinder:cyl1'],
    FOREIGN_FILLER: [],
    NOT_INSPECTED: [],
    PRE_FILL_CHECK_FAILED: [],
    NOT_EMPTY: [],
    TARE_UNKNOWN: [],
    STATION_LICENCE_INVALID: ['UNLICENSED_SELLER site:site1'],
    FILLING_LICENCE_INVALID: ['UNLICENSED_SELLER site:site1'],
    ENTERPRISE_LICENCE_INVALID: ['UNLICENSED_SELLER enterprise:ent1'],
    OPERATOR_UNCERTIFIED: ['UNTRAINED_WORKER worker:w3'],
    OPERATOR_NOT_AT_THIS_STATION: [],
    SCALE_LOCKED: [],
  };

  it('maps every deny code of the interlock (devices\' list) to its rule, or to none', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...INTERLOCK_DENY_CODES].sort());
    expect(Object.keys(DENY_REASON_RULES).sort()).toEqual([...INTERLOCK_DENY_CODES].sort());
    for (const code of INTERLOCK_DENY_CODES) expect({ code, found: rules(decisionFindings(decision({ reasons: [{ code }] }))) }).toEqual({ code, found: EXPECTED[code] });
  });

  it('a denial for several reasons: one finding per (rule, subject), the worker by id when the scale\'s staff code named one, scoped to the station', () => {
    const all = decisionFindings(decision({ operatorWorkerId: 'wk-9', reasons: [{ code: 'STATION_LICENCE_INVALID' }, { code: 'FILLING_LICENCE_INVALID' }, { code: 'ENTERPRISE_LICENCE_INVALID' }, { code: 'OPERATOR_UNCERTIFIED' }, { code: 'OPERATOR_NOT_AT_THIS_STATION' }, { code: 'SCRAPPED' }] }));
    expect(rules(all)).toEqual(['UNLICENSED_SELLER site:site1', 'UNLICENSED_SELLER enterprise:ent1', 'UNTRAINED_WORKER worker:wk-9', 'SCRAPPED_CYLINDER cylinder:cyl1']);
    expect(all.every((f) => f.districtCode === '441802' && f.enterpriseId === 'ent1')).toBe(true);
    // A cylinder reason without a known cylinder has no subject; a code the table does not know is none.
    expect(decisionFindings(decision({ cylinderId: undefined, reasons: [{ code: 'INSPECTION_OVERDUE' }] }))).toEqual([]);
    expect(decisionFindings(decision({ reasons: [{ code: 'SOMETHING_NEW' }] }))).toEqual([]);
  });

  it('SCALE_OFFLINE once per silence; heard from again and silent again, once more', () => {
    const scale = { deviceId: 'scale1', siteId: 'site1', enterpriseId: 'ent1', districtCode: '441802', lastSeenAt: T0 };
    const first = silentScaleFindings(scale, undefined, minutes(40));
    expect(rules(first.findings)).toEqual(['SCALE_OFFLINE device:scale1']);
    expect(silentScaleFindings(scale, first.track, minutes(50)).findings).toEqual([]);
    expect(silentScaleFindings({ ...scale, lastSeenAt: minutes(45) }, first.track, minutes(90)).findings).toHaveLength(1);
  });

  it('CREDENTIAL_EXPIRING once per end date', () => {
    const c = { holder: 'sites' as const, holderId: 'site1', field: 'licence' as const, number: 'L-1', validTo: new Date('2025-06-20'), enterpriseId: 'ent1', districtCode: '441802' };
    const first = expiringCredentialFindings(c, undefined, T0);
    expect(rules(first.findings)).toEqual(['CREDENTIAL_EXPIRING site:site1']);
    expect(first.findings[0]?.evidence.note).toContain('in 19 days');
    expect(expiringCredentialFindings(c, first.track, T0).findings).toEqual([]);
    expect(expiringCredentialFindings({ ...c, validTo: new Date('2026-06-20') }, first.track, T0).findings).toHaveLength(1);
  });
});

describe('alerts from findings', () => {
  it('keeps one active alert per (rule, subject): occurrences update it, positions are gap-free per district and global; a dismissed one is closed', () => {
    const sale = (id: string, site: string, district: string) => refusal('sell', [{ reason: 'SITE_LICENCE_INVALID', detail: '', credential: credential('site_licence', 'sites', site) }] as Refusal['reasons'], { id, districtCode: district });
    const empty = { events: new Map(), refusals: new Map(), scans: new Map(), reports: new Map() };
    const batch = { events: [], scans: [], reports: [], decisions: [], refusals: [sale('r1', 's1', '441802'), sale('r2', 's1', '441802'), sale('r3', 's2', '441881')] };
    const { findings } = evaluate(batch, empty, new Map(), policy, T0);
    let ids = 0;
    const first = mergeFindings(findings, new Map(), { seq: 0, districts: {} }, T0, () => `id${++ids}`);
    expect(first.alerts.map((a) => [a.subject.id, a.count, a.seq, a.districtSeq])).toEqual([['s1', 2, 1, 1], ['s2', 1, 2, 1]]);
    expect(first.changes.map((c) => c.change)).toEqual(['new', 'new']);
    const active = new Map(first.alerts.map((a) => [`${a.rule}|${a.subjectKey}`, a]));
    const again = mergeFindings(evaluate({ ...batch, refusals: [sale('r4', 's1', '441802'), sale('r1', 's1', '441802')] }, empty, new Map(), policy, T0).findings, active, first.counters, T0, () => `id${++ids}`);
    expect(again.alerts.map((a) => [a.id, a.count, a.seq, a.districtSeq])).toEqual([['id1', 3, 3, 2]]);
    expect(again.changes[0]?.added.map((e) => e.id)).toEqual(['r4']);
    const dismissed = decided(again.alerts[0]!, { kind: 'dismiss', reason: '已核实' }, { userId: 'u', username: 'u', role: 'city_regulator' }, again.counters, T0);
    expect([dismissed.alert.status, dismissed.alert.active, dismissed.change.seq, dismissed.change.districtSeq]).toEqual(['dismissed', false, 4, 3]);
  });
});
