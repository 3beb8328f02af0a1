import { allows, PAGES } from '../../web/src/router/pages';
import { clock, dateTime, day, today } from '../../web/src/components/city-time';
import { scaleLight, type ScaleState, type StationControls } from '../../web/src/views/station/station';

/** The enterprise and station pages' pure parts: which role sees which page, the city's clock, a scale's light. */
describe('the enterprise and station pages in the page table', () => {
  const page = (name: string) => {
    const found = PAGES.find((p) => p.name === name);
    if (!found) throw new Error(`no page ${name}`);
    return found;
  };
  // Permission rows as auth/me answers them, written out for the test (not read from the platform's table).
  const enterprise = { alerts: ['read'], cases: ['read', 'submit'], delivery_collisions: ['read', 'update'], credentials: ['submit'], fill_records: ['read'], scale_controls: ['read'] };
  const regulator = { alerts: ['read', 'update'], cases: ['read', 'create', 'update'], delivery_collisions: ['read'], credentials: ['submit', 'verify'], fill_records: ['read'], scale_controls: ['read', 'create'] };
  const canOf = (row: Record<string, string[]>) => (resource: string, action: string) => row[resource]?.includes(action) ?? false;
  const names = ['enterprise-alerts', 'enterprise-cases', 'enterprise-case', 'collisions', 'enterprise-credentials', 'station-scales'];

  it('shows every one of them to an enterprise admin', () => {
    expect(names.filter((n) => allows(page(n), 'enterprise_admin', canOf(enterprise)))).toEqual(names);
  });

  it('shows none of them to a regulator, though its permissions cover their resources', () => {
    expect(names.filter((n) => allows(page(n), 'city_regulator', canOf(regulator)))).toEqual([]);
    expect(names.filter((n) => allows(page(n), 'district_regulator', canOf(regulator)))).toEqual([]);
  });

  it('hides the cases pages from an enterprise admin whose permission row has no cases (a platform without them)', () => {
    const { cases: _cases, ...withoutCases } = enterprise;
    expect(names.filter((n) => allows(page(n), 'enterprise_admin', canOf(withoutCases)))).toEqual(['enterprise-alerts', 'collisions', 'enterprise-credentials', 'station-scales']);
  });

  it('keeps the detail page out of the menu and the station page in a section of its own', () => {
    expect(page('enterprise-case').menu).toBe(false);
    expect(page('station-scales').section).toBe('station');
  });
});

describe("the city's clock (UTC+8, whatever the browser's zone)", () => {
  it('shows an instant in city time', () => {
    expect(dateTime('2025-06-01T16:30:05Z')).toBe('2025-06-02 00:30');
    expect(clock('2025-06-01T16:30:05Z')).toBe('00:30:05');
    expect(day('2025-06-01T15:59:59Z')).toBe('2025-06-01');
    expect(day('2025-06-01T16:00:00Z')).toBe('2025-06-02');
  });

  it("counts today by the city's day: just after midnight in the city it is already the next day", () => {
    expect(today(Date.parse('2025-06-01T16:00:01Z'))).toBe('2025-06-02');
    expect(today(Date.parse('2025-06-01T15:59:59Z'))).toBe('2025-06-01');
  });

  it('shows nothing for no date or a bad one', () => {
    expect([dateTime(null), dateTime(undefined), clock('not a date')]).toEqual(['', '', '']);
  });
});

describe("a scale's light", () => {
  const scale = (over: Partial<ScaleState> = {}): ScaleState => ({ id: 's1', name: '1号灌装秤', status: 'active', online: true, lastSeenAt: null, lock: null, firmware: null, calibrationDueOn: null, bufferedReports: null, ...over });
  const station = (over: Partial<StationControls> = {}): StationControls => ({ siteId: 'x', lock: null, manualMode: null, scales: [], ...over });
  const lock = { reason: '计量检定过期', at: '2025-06-01T00:00:00Z', by: 'u', byRole: 'city_regulator' };

  it('is online or offline from its heartbeats', () => {
    expect([scaleLight(scale(), station()), scaleLight(scale({ online: false }), station())]).toEqual(['online', 'offline']);
  });

  it('is locked when it or its station is locked, offline or not', () => {
    expect(scaleLight(scale({ lock }), station())).toBe('locked');
    expect(scaleLight(scale({ online: false }), station({ lock }))).toBe('locked');
  });

  it('is out of service once revoked, whatever else', () => {
    expect(scaleLight(scale({ status: 'revoked', lock }), station({ lock }))).toBe('revoked');
  });
});
