import type { AlertView, CaseSubject, NewCase, SubjectType } from './regulator.api';

export interface CaseDraft {
  source: NewCase['source'];
  subject?: CaseSubject;
  district?: string | null;
  title?: string;
}

const DIRECT: readonly string[] = ['site', 'enterprise', 'worker', 'cylinder', 'vehicle', 'location'];

/** What a case opened from alerts starts with: their ids, the first one's subject and district, its title. */
export function draftFromAlerts(alerts: readonly AlertView[], language: string): CaseDraft {
  const [first] = alerts;
  if (!first) return { source: { type: 'alerts', alertIds: [] } };
  let subject: CaseSubject;
  if (first.subject.kind === 'location') {
    // A location subject's id is "lng,lat" (alerts.findings).
    const [lng, lat] = first.subject.id.split(',').map(Number);
    subject = Number.isFinite(lng) && Number.isFinite(lat) ? { type: 'location', location: { lng: lng as number, lat: lat as number } } : { type: 'location' };
  } else if (DIRECT.includes(first.subject.kind)) subject = { type: first.subject.kind as SubjectType, id: first.subject.id };
  else subject = first.enterpriseId ? { type: 'enterprise', id: first.enterpriseId } : { type: 'location' };
  const title = language === 'en' ? first.title.en : first.title.zh;
  return { source: { type: 'alerts', alertIds: alerts.map((a) => a.id) }, subject, district: first.districtCode, title };
}
