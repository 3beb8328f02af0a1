import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../project.info';

const templates = new Map<string, string>();

/**
 * Renders views/<name>.html, replacing {{key}} with the HTML-escaped value. Deliberately tiny:
 * the pages that come with later components may bring a real template engine.
 */
export function renderView(name: string, values: Readonly<Record<string, string | number>>): string {
  return template(name).replace(/\{\{(\w+)\}\}/g, (_m, key: string) => escapeHtml(String(values[key] ?? '')));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function template(name: string): string {
  let text = templates.get(name);
  if (text === undefined) {
    text = readFileSync(join(PROJECT_ROOT, 'views', `${name}.html`), 'utf8');
    templates.set(name, text);
  }
  return text;
}
