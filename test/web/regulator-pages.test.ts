import { allows, PAGES } from '../../web/src/router/pages';
import { draftFromAlerts } from '../../web/src/views/regulator/case-source';
import { day, endOfDay, lastDays, localIso, withTimes } from '../../web/src/views/regulator/format';
import type { AlertView } from '../../web/src/views/regulator/regulator.api';

/** The regulator pages' pure parts: who sees them, what a case opened from alerts starts with. */
const alert = (id: string, subject: AlertView['subject'], extra: Partial<AlertView> = {}): AlertView => ({
  id,
  seq: 1,
  districtSeq: 1,
  rule: 'UNLICENSED_SELLER',
  title: { zh: '无证经营', en: 'Unlicensed seller' },
  severity: 'critical',
  status: 'open',
  subject,
  districtCode: '441802',
  enterpriseId: 'e1',
  firstSeenAt: '2026-01-01T00:00:00.000Z',
  lastSeenAt: '2026-01-01T00:00:00.000Z',
  count: 1,
  detail: '',
  evidence: [],
  ...extra,
});

describe('the regulator pages in the page table', () => {
  const page = (name: string) => {
    const found = PAGES.find((p) => p.name === name);
    if (!found) throw new Error(`no page ${name}`);
    return found;
  };
  const row = (permissions: Record<string, string[]>) => (resource: string, action: string) => permissions[resource]?.includes(action) ?? false;

  it('shows the dashboard and cases to regulators only, even to an enterprise that reads alerts and cases', () => {
    const regulator = row({ alerts: ['read', 'update'], cases: ['read', 'create', 'update'] });
    const enterprise = row({ alerts: ['read', 'update', 'create'], cases: ['read', 'create', 'submit'] });
    expect(allows(page('dashboard'), 'district_regulator', regulator)).toBe(true);
    expect(allows(page('cases'), 'city_regulator', regulator)).toBe(true);
    expect(allows(page('dashboard'), 'enterprise_admin', enterprise)).toBe(false);
    expect(allows(page('cases'), 'enterprise_admin', enterprise)).toBe(false);
  });

  it('hides a page whose API the platform does not have (its resource missing from the permission row)', () => {
    expect(allows(page('kpis'), 'city_regulator', row({ alerts: ['read', 'update'] }))).toBe(false);
    expect(allows(page('kpis'), 'city_regulator', row({ kpis: ['read'] }))).toBe(true);
  });

  it('gives the checklist editor to the city regulator only', () => {
    const both = row({ inspection_checklists: ['read', 'update'] });
    expect(allows(page('checklists'), 'city_regulator', both)).toBe(true);
    expect(allows(page('checklists'), 'district_regulator', both)).toBe(false);
  });
});

describe('a case opened from alerts', () => {
  it('takes every alert, the first one\'s subject, district and title in the console\'s language', () => {
    const draft = draftFromAlerts([alert('a1', { kind: 'site', id: 's1' }), alert('a2', { kind: 'site', id: 's2' })], 'zh-CN');
    expect(draft).toEqual({ source: { type: 'alerts', alertIds: ['a1', 'a2'] }, subject: { type: 'site', id: 's1' }, district: '441802', title: '无证经营' });
    expect(draftFromAlerts([alert('a1', { kind: 'site', id: 's1' })], 'en').title).toBe('Unlicensed seller');
  });

  it('reads a place\'s "lng,lat" as a location, and names the enterprise for a subject a case cannot have', () => {
    expect(draftFromAlerts([alert('a1', { kind: 'location', id: '113.100,23.700' })], 'zh-CN').subject).toEqual({ type: 'location', location: { lng: 113.1, lat: 23.7 } });
    expect(draftFromAlerts([alert('a1', { kind: 'device', id: 'd1' })], 'zh-CN').subject).toEqual({ type: 'enterprise', id: 'e1' });
    expect(draftFromAlerts([alert('a1', { kind: 'code', id: 'x' }, { enterpriseId: null })], 'zh-CN').subject).toEqual({ type: 'location' });
  });
});

describe('a note with times', () => {
  it('shows an ISO time the platform wrote in the city\'s time (UTC+8), to the minute, whatever the browser\'s zone', () => {
    expect(withTimes('officer x, 2026-12-17T15:59:59.000Z')).toBe('officer x, 2026-12-17 23:59');
    expect(withTimes('due 2026-12-17T20:00:00+00:00')).toBe('due 2026-12-18 04:00');
  });

  it('counts the last 30 days from the city\'s midnight, and ends them on the city\'s today even before 08:00', () => {
    const period = lastDays(30, new Date('2026-12-03T17:30:00.000Z')); // 2026-12-04 01:30 in the city
    expect(period.from).toBe('2026-11-03T16:00:00.000Z');
    expect([day(period.from), day(period.to)]).toEqual(['2026-11-04', '2026-12-04']);
  });

  it('takes a deadline picked as a date to the end of that day in the city', () => {
    expect(endOfDay('2026-12-17')).toBe('2026-12-17T15:59:59.000Z');
  });
});

describe('a moment in the console\'s zone', () => {
  it('names the same instant with the zone\'s offset', () => {
    const at = new Date('2026-03-01T01:02:03.004Z');
    const text = localIso(at);
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
    expect(new Date(text).getTime()).toBe(at.getTime());
  });
});
