import { join } from 'node:path';
import { Eta } from 'eta';
import { PROJECT_ROOT } from '../project.info';

/** The one escaper of the server-rendered pages: what Eta's `<%= %>` and our SVG labels use. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The one template engine of the server-rendered pages: Eta over views/<name>.eta. `<%= %>`
 * escapes (null and undefined render as nothing); `<%~ %>` inserts HTML as it is and is kept for
 * markup the code built itself (the SVG of a label). Whitespace is kept exactly as written
 * (no auto-trim), so a template reads as the page it renders. Pages carry no inline script: the
 * CSP forbids it, and behaviour lives in public/js.
 */
const eta = new Eta({
  views: join(PROJECT_ROOT, 'views'),
  autoEscape: true,
  autoTrim: false,
  escapeFunction: (value: unknown) => (value === undefined || value === null ? '' : escapeHtml(String(value))),
  cache: true,
});

/** views/<name>.eta rendered with `data` as `it`. */
export function renderView(name: string, data: object): string {
  return eta.render(name, data);
}
