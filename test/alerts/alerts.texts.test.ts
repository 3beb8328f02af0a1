import type { LedgerEvent, Refusal } from '../../src/components/ledger';
import { EVENT_TYPES } from '../../src/components/ledger/ledger.contract';
import { REPORT_REASONS, WARNINGS } from '../../src/components/qr';
import { ALERT_TEXTS, VOCABULARIES, bothTexts, composed, renderText, textOf, textsOf, type Phrase } from '../../src/components/alerts/alerts.texts';
import { DEFAULT_ALERT_POLICY, type Evidence, type Finding } from '../../src/components/alerts/alerts.findings';
import { cylinderDates, eventSighting, fillAnomalies, mobileSelling, refusalFindings } from '../../src/components/alerts/alerts.rules.ledger';
import { scanFindings } from '../../src/components/alerts/alerts.rules.public';
import { decisionFindings, expiringCredentialFindings, silentScaleFindings } from '../../src/components/alerts/alerts.rules.devices';
import { toAlertView } from '../../src/components/alerts/alerts.schemas';
import { mergeFindings } from '../../src/components/alerts/alerts.merge';
import { overdueSweep } from '../../src/components/cases/cases.sweep';
import { Types } from 'mongoose';

/** The texts the server composes (alert evidence, sweeps, case notes): one table, both languages, rendered at read time. */
const T0 = new Date('2025-06-01T08:00:00Z');
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const HAN = /[\u4e00-\u9fff]/;

function event(type: LedgerEvent['type'], extra: Partial<LedgerEvent> = {}): LedgerEvent {
  return {
    eventId: `e-${type}`, logSeq: 1, cylinderId: 'cyl1', enterpriseId: 'ent1', districtCode: '441802', type, occurredAt: T0, receivedAt: T0,
    actor: { kind: 'user', id: 'u1', role: 'delivery_worker', enterpriseId: 'ent1', workerId: 'w1' }, where: { siteId: 'site1' }, payload: {},
    bizStep: '', disposition: '', fromState: 'full_at_station', toState: 'with_customer', cylinderSeq: 1, prevHash: null, hash: 'h', ...extra,
  };
}
function refusal(type: string, reasons: Refusal['reasons']): Refusal {
  return {
    id: 'r-1', refusalSeq: 1, eventId: 'x-1', cylinderId: 'cyl1', grai: null, enterpriseId: 'ent1', districtCode: '441802', type, reason: reasons[0]?.reason ?? 'X', detail: '', reasons,
    fromState: 'at_supply_point', occurredAt: T0, receivedAt: T0, actor: { kind: 'user', id: 'u1', enterpriseId: 'ent1', workerId: 'w1' }, where: { siteId: 'site1' }, payload: {},
  };
}
const evidenceOf = (findings: Finding[]): Evidence[] => findings.map((f) => f.evidence);

describe('the texts table', () => {
  it('every code has a Chinese and an English template with the same placeholders', () => {
    for (const [code, entry] of Object.entries(ALERT_TEXTS)) {
      expect([code, entry.zh.trim().length > 0, entry.en.trim().length > 0]).toEqual([code, true, true]);
      expect([code, placeholders(entry.zh)]).toEqual([code, placeholders(entry.en)]);
      // A template of words (not only a value) says them in Chinese.
      if (entry.zh.replace(/\{\w+\}/g, '').trim()) expect([code, HAN.test(entry.zh)]).toEqual([code, true]);
      for (const name of Object.keys((entry as { words?: object }).words ?? {})) expect([code, placeholders(entry.en)]).toEqual([code, expect.arrayContaining([name])]);
    }
  });

  it('has a Chinese word for every event type, scan warning, report reason and credential the texts name', () => {
    expect(Object.keys(VOCABULARIES.event).sort()).toEqual([...EVENT_TYPES].sort());
    expect(Object.keys(VOCABULARIES.warning).sort()).toEqual([...WARNINGS].sort());
    expect(Object.keys(VOCABULARIES.reportReason).sort()).toEqual([...REPORT_REASONS].sort());
    expect(Object.keys(VOCABULARIES.credential).sort()).toEqual(['certificate', 'fillingLicence', 'licence', 'permit']);
  });

  it('renders values of a vocabulary in Chinese words, and an instant in the city time', () => {
    const phrases: Phrase[] = [{ code: 'REFUSAL', params: { type: 'sell', reasons: ['SITE_LICENCE_INVALID', 'WORKER_UNCERTIFIED'] } }, { code: 'BY_UNLICENSED_SITE' }];
    expect(renderText(phrases, 'en')).toBe('sell refused (SITE_LICENCE_INVALID, WORKER_UNCERTIFIED) by a site without a valid licence');
    expect(renderText(phrases, 'zh-CN')).toBe('销售被拒绝（站点许可证无效、作业人员安全培训合格证无效）：站点无有效许可证');
    expect(renderText([{ code: 'RECTIFICATION_OVERDUE', params: { number: '441802-2026-0001', deadline: '2026-03-01T10:00:00.000Z' } }], 'zh-CN')).toBe('案件 441802-2026-0001：整改期限 2026-03-01 18:00 已过，未提交整改');
  });

  it('a record kept before texts were phrases shows its English note in either language', () => {
    const old = { note: 'sell refused (SITE_LICENCE_INVALID) by a site without a valid licence' };
    expect(textOf(old, 'zh-CN')).toBe(old.note);
    expect(textsOf(old)).toEqual({ zh: old.note, en: old.note });
  });
});

describe("the rules' evidence", () => {
  const all: Evidence[] = [
    ...evidenceOf(mobileSelling(event('sell', { where: { vehicleId: 'v1' } }))),
    ...evidenceOf(cylinderDates(event('fill'), { cylinder: { nextInspectionDate: new Date('2025-01-01'), scrappedAt: new Date('2025-01-02') } })),
    ...evidenceOf(fillAnomalies(event('fill', { payload: { netKg: 16.2, permittedNetKg: 14.5, tareKg: 13, anomalies: ['overfill', 'tare_mismatch'] } }))),
    ...evidenceOf(refusalFindings(refusal('sell', [{ reason: 'SITE_LICENCE_INVALID', detail: '', credential: { kind: 'site_licence', holder: 'sites', recordId: 'site1', number: 'N', status: 'suspended' } }]), {})),
    ...evidenceOf(decisionFindings({ seq: 1, kind: 'authorize', decision: 'deny', reasons: [{ code: 'SCRAPPED' }], deviceId: 'd1', siteId: 'site1', enterpriseId: 'ent1', districtCode: '441802', cylinderId: 'cyl1', code: 'G1', operator: 'op1', at: T0 })),
    ...evidenceOf(silentScaleFindings({ deviceId: 'd1', siteId: 'site1', enterpriseId: 'ent1', districtCode: '441802', lastSeenAt: T0 }, undefined, T0).findings),
    ...evidenceOf(expiringCredentialFindings({ holder: 'sites', holderId: 'site1', field: 'licence', number: 'L-1', validTo: new Date('2025-06-20T00:00:00Z'), enterpriseId: 'ent1', districtCode: '441802' }, undefined, T0).findings),
    ...evidenceOf(scanFindings({ id: 's1', seq: 1, grai: 'G1', verdict: 'genuine', warnings: ['SCRAPPED'], at: T0, clientHash: 'x' }, { cylinder: { id: 'cyl1', enterpriseId: 'ent1', districtCode: '441802' } }, {}, DEFAULT_ALERT_POLICY).findings),
  ];

  it('every finding stores phrases whose English is its note and whose Chinese is Chinese', () => {
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const e of all) {
      expect(e.phrases?.length).toBeGreaterThan(0);
      const texts = bothTexts(e.phrases ?? []);
      expect(texts.en).toBe(e.note);
      expect(texts.zh).not.toBe(e.note);
      expect([e.note, HAN.test(texts.zh)]).toEqual([e.note, true]);
    }
  });

  it('the English notes read as they always did', () => {
    expect(all.map((e) => e.note)).toEqual(
      expect.arrayContaining([
        'sell from vehicle v1',
        'fill of a cylinder scrapped 2025-01-02',
        'fill net 16.2 kg (permitted 14.5 kg)',
        'fill tare 13 kg does not match the cylinder',
        'sell refused (SITE_LICENCE_INVALID) by a site without a valid licence',
        'interlock authorize deny for G1 by operator op1 at scale d1 (SCRAPPED)',
        'scale d1 at site site1 last heard from 2025-06-01T08:00:00.000Z',
        'licence L-1 ends 2025-06-20 (in 19 days)',
        'public scan of G1 (genuine: SCRAPPED)',
      ]),
    );
    expect(all.map((e) => bothTexts(e.phrases ?? []).zh)).toEqual(expect.arrayContaining(['销售：在车辆 v1 上销售', '充装：净重 16.2 kg（允许 14.5 kg）', '灌装秤 d1 充装授权拒绝：气瓶码 G1，充装工 op1（气瓶已报废，不得充装）']));
  });

  it('a cloned code adds the distance to both sightings, in both languages; an old sighting without phrases keeps its English', () => {
    const far = DEFAULT_ALERT_POLICY;
    const first = eventSighting(event('sell', { eventId: 'e1' }), { sitePlace: [113.0, 23.7] }, undefined, far);
    const second = eventSighting(event('sell', { eventId: 'e2', occurredAt: new Date(T0.getTime() + 10 * 60_000) }), { sitePlace: [113.5, 24.2] }, first.track, far);
    const [a, b] = evidenceOf(second.findings);
    expect(a?.note).toMatch(/^sell at 113\.0000,23\.7000; \d+\.\d km apart within 10 min$/);
    expect(bothTexts(b?.phrases ?? []).zh).toMatch(/^销售，位置 113\.5000,24\.2000；两地相距 \d+\.\d 公里，间隔仅 10 分钟$/);
    const oldTrack = { lastSighting: { at: T0, place: [113.0, 23.7] as [number, number], evidence: { kind: 'event' as const, id: 'e0', at: T0, note: 'sell at 113.0000,23.7000' } } };
    const [old] = evidenceOf(eventSighting(event('sell', { eventId: 'e3', occurredAt: new Date(T0.getTime() + 10 * 60_000) }), { sitePlace: [113.5, 24.2] }, oldTrack, far).findings);
    expect(old?.phrases).toBeUndefined();
    expect(old?.note).toMatch(/^sell at 113\.0000,23\.7000; \d+\.\d km apart within 10 min$/);
  });

  it("an alert's view: detail and notes in the reader's language, both languages beside them; an old alert still renders", () => {
    const finding = refusalFindings(refusal('sell', [{ reason: 'WORKER_UNCERTIFIED', detail: '', credential: { kind: 'worker_certificate', holder: 'workers', recordId: 'w1', number: 'N', status: 'expired' } }]), {})[0] as Finding;
    const { alerts } = mergeFindings([finding], new Map(), { seq: 0, districts: {} }, T0, () => 'a1');
    const alert = alerts[0]!;
    const titles = { zh: '未经培训上岗', en: 'Untrained' };
    const zh = toAlertView(alert, titles, 'zh-CN');
    expect(zh.detail).toBe('销售被拒绝（作业人员安全培训合格证无效）：作业人员无有效安全培训合格证');
    expect(zh.evidence[0]?.note).toBe(zh.detail);
    const en = toAlertView(alert, titles);
    expect(en.detail).toBe('sell refused (WORKER_UNCERTIFIED) by a worker without a valid training certificate');
    expect(en.detailText).toEqual({ zh: zh.detail, en: en.detail });
    expect(en.evidence[0]?.phrases?.map((p) => p.code)).toEqual(['REFUSAL', 'BY_UNTRAINED']);
    const old = toAlertView({ ...alert, evidence: [{ kind: 'refusal', id: 'r0', at: T0, note: 'sell refused (WORKER_UNCERTIFIED)' }] }, titles, 'zh-CN');
    expect([old.detail, old.detailText, old.evidence[0]?.phrases]).toEqual(['sell refused (WORKER_UNCERTIFIED)', { zh: 'sell refused (WORKER_UNCERTIFIED)', en: 'sell refused (WORKER_UNCERTIFIED)' }, undefined]);
  });

  it('RECTIFICATION_OVERDUE from the cases sweep is stored as phrases', async () => {
    const id = new Types.ObjectId();
    const deadline = new Date('2026-03-01T10:00:00Z');
    const [notice] = await overdueSweep({ overdue: async () => [{ _id: id, number: '441802-2026-0007', districtCode: '441802', enterpriseId: null, deadline } as never] }).run(new Date('2026-03-02T00:00:00Z'));
    expect(notice?.finding.evidence.note).toBe(`case 441802-2026-0007: rectification due ${deadline.toISOString()}, not submitted`);
    expect(bothTexts(notice?.finding.evidence.phrases ?? []).zh).toBe('案件 441802-2026-0007：整改期限 2026-03-01 18:00 已过，未提交整改');
    expect(composed({ code: 'CASE_ASSIGNED', params: { officer: '王科长', deadline: deadline.toISOString() } }).note).toBe(`王科长, ${deadline.toISOString()}`);
  });
});
