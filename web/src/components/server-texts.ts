/**
 * The texts the server composed (an alert's detail, an evidence note) in the console's language.
 * REST answers them in the Accept-Language the client sends; Socket.IO pushes carry English lines
 * with both languages beside them (`detailText`, `noteText`), so the pages read those first. A
 * record older than those fields shows its one line.
 */
export interface Bilingual {
  zh: string;
  en: string;
}

const pick = (texts: Bilingual | undefined, fallback: string, language: string): string => (texts ? (language === 'en' ? texts.en : texts.zh) : fallback);

export const alertDetail = (alert: { detail: string; detailText?: Bilingual }, language: string): string => pick(alert.detailText, alert.detail, language);
export const evidenceNote = (evidence: { note: string; noteText?: Bilingual }, language: string): string => pick(evidence.noteText, evidence.note, language);
