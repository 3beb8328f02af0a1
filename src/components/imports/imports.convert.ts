import { VALUE_ALIASES } from './imports.columns';
import type { FieldSpec } from './imports.fields';

export type Converted = { ok: true; value: unknown } | { ok: false; reason: string };

// Spreadsheets run a cell starting with these as a formula (CSV injection, OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;
const DATE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
// "15", "15kg", "15 公斤", "YSP-15" (the cylinder model names its nominal fill).
const NUMBER = /^(?:YSP-?)?([+-]?\d+(?:\.\d+)?)\s*(?:kg|公斤|千克)?$/i;
const TRUE = new Set(['true', '1', 'yes', 'y', '是']);
const FALSE = new Set(['false', '0', 'no', 'n', '否']);

/**
 * The value of one non-empty, trimmed cell for its field. Text fields refuse formula-looking cells
 * rather than store them: an exported registry must never execute in a regulator's Excel. Numeric and
 * date fields parse strictly, so a sign there is a sign.
 */
export function convertCell(text: string, field: FieldSpec): Converted {
  switch (field.kind) {
    case 'number': {
      const match = NUMBER.exec(text.replace(/,/g, ''));
      if (!match) return { ok: false, reason: `"${text}" is not a number` };
      const value = Number(match[1]);
      if (field.options && !field.options.includes(String(value))) return { ok: false, reason: `${value} is not one of ${field.options.join(', ')}` };
      return { ok: true, value };
    }
    case 'isoDate':
    case 'isoDatetime':
    case 'date': {
      const date = parseDate(text);
      if (!date) return { ok: false, reason: `"${text}" is not a date (YYYY-MM-DD or YYYY/M/D)` };
      if (field.kind === 'isoDate') return { ok: true, value: date.toISOString().slice(0, 10) };
      return { ok: true, value: field.kind === 'date' ? date : date.toISOString() };
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, reason: `"${text}" is not 是/否 (true/false)` };
    }
    case 'enum':
      return enumValue(text, field.options ?? []);
    case 'numbers': {
      const parts = text.split(/[,，\s]+/).filter(Boolean);
      const numbers = parts.map(Number);
      if (parts.length === 0 || numbers.some((n) => !Number.isFinite(n))) {
        return { ok: false, reason: `"${text}" is not a list of numbers such as 113.05,23.68` };
      }
      return { ok: true, value: numbers };
    }
    case 'string':
      if (FORMULA_START.test(text)) {
        return { ok: false, reason: 'starts with =, +, - or @ and would run as a spreadsheet formula; remove that character' };
      }
      return { ok: true, value: text };
  }
}

function enumValue(text: string, options: readonly string[]): Converted {
  const alias = VALUE_ALIASES[text];
  const candidates = [text, alias, text.toLowerCase()];
  const value = candidates.find((c) => c !== undefined && options.includes(c));
  if (value !== undefined) return { ok: true, value };
  return { ok: false, reason: `"${text}" is not one of ${options.join(', ')}` };
}

/** A calendar date at UTC midnight, or undefined for text that is not one (2023-02-30 included). */
export function parseDate(text: string): Date | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const exact = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return exact ? date : undefined;
}
