import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from '../../shared/http/html.view';
import { PROJECT_ROOT } from '../../shared/project.info';

const templates = new Map<string, string>();

/**
 * views/<name>.html with `{{key}}` replaced by escaped text and `{{{key}}}` by HTML this
 * component built itself (every piece of data in it already escaped).
 */
export function renderTemplate(name: string, text: Readonly<Record<string, string>>, html: Readonly<Record<string, string>> = {}): string {
  let source = templates.get(name);
  if (source === undefined) {
    source = readFileSync(join(PROJECT_ROOT, 'views', `${name}.html`), 'utf8');
    templates.set(name, source);
  }
  return source
    .replace(/\{\{\{(\w+)\}\}\}/g, (_m, key: string) => html[key] ?? '')
    .replace(/\{\{(\w+)\}\}/g, (_m, key: string) => escapeHtml(text[key] ?? ''));
}

export { escapeHtml };

// The city's clock: dates on the page are read by people in China.
const CITY_TIME_ZONE = 'Asia/Shanghai';
const dateTime = new Intl.DateTimeFormat('sv-SE', { timeZone: CITY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** "2025-03-01 14:05" in the city's time zone. */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}
