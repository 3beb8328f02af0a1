import type { z } from 'zod';
import { authorize, type Principal } from '../auth';
import { CODE_REFERENCES, COLUMN_ALIASES, NATURAL_KEYS, UNIQUE_CODES } from './imports.columns';
import { resolveCodes, type ConvertedRow } from './imports.codes';
import { convertCell } from './imports.convert';
import { parseCsv, type CsvRow } from './imports.csv';
import { decodeCsv, type Encoding } from './imports.decode';
import { fieldsOf } from './imports.fields';
import { resolveHeader, type Column, type ImportError } from './imports.header';
import type { UpsertableResource, BulkUpsertPort, CodeLookups, UpsertRowError } from './imports.ports';

/** At most this many errors are listed; `errorCount` still counts them all. */
export const MAX_LISTED_ERRORS = 10_000;

export interface ImportRequest {
  resource: UpsertableResource;
  body: Buffer;
  dryRun: boolean;
  encoding?: Encoding;
}

export interface ImportReport {
  dryRun: boolean;
  resource: UpsertableResource;
  encoding: Encoding;
  /** Data rows in the file (the header not counted). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errorCount: number;
  errors: ImportError[];
}

interface Row {
  line: number;
  input: Record<string, unknown>;
}

/**
 * Bulk import of one registry from a CSV file: every row is checked, then all are written or none.
 * A row is converted cell by cell, its human codes are resolved to ids (imports.codes.ts), then the
 * registry's create schema checks it.
 */
export function createImportService(port: BulkUpsertPort, codes: CodeLookups) {
  async function importCsv(principal: Principal, request: ImportRequest): Promise<ImportReport> {
    authorize(principal, request.resource, 'import');
    const { text, encoding } = decodeCsv(request.body, request.encoding);
    const table = parseCsv(text);
    const report = (counts: Partial<ImportReport>, errors: ImportError[]): ImportReport => ({
      dryRun: request.dryRun,
      resource: request.resource,
      encoding,
      rows: table.rows.length,
      created: 0,
      updated: 0,
      unchanged: 0,
      ...counts,
      errorCount: errors.length,
      errors: errors.slice(0, MAX_LISTED_ERRORS),
    });

    const schema = port.inputSchema(request.resource);
    const header = resolveHeader(table.header.cells, fieldsOf(schema), COLUMN_ALIASES[request.resource]);
    if (header.errors.length) return report({}, header.errors);

    const errors: ImportError[] = [];
    const converted = table.rows.map((row) => convertRow(row, header.columns, errors));
    const unknown = await resolveCodes(converted, header.columns, CODE_REFERENCES[request.resource], principal, codes);
    errors.push(...unknown);
    const rows = converted.map((row) => row && validateRow(row, header.columns, schema, errors, new Set(unknown.filter((e) => e.line === row.line).map((e) => e.column))));
    errors.push(...duplicateKeys(rows, header.columns, NATURAL_KEYS[request.resource]));
    for (const field of UNIQUE_CODES[request.resource]) errors.push(...duplicateKeys(rows, header.columns, { perEnterprise: true, fields: [field] }, (v) => String(v).toUpperCase()));
    if (errors.length) return report({}, sortByLine(errors));

    const valid = rows as Row[];
    const outcome = await port.upsertMany(
      request.resource,
      valid.map((r) => r.input),
      principal,
      { dryRun: request.dryRun },
    );
    if (outcome.errors.length) return report({}, sortByLine(outcome.errors.map((e) => fromUpsert(e, valid, header.columns))));
    return report({ created: outcome.created, updated: outcome.updated, unchanged: outcome.unchanged }, []);
  }

  return { importCsv };
}

export type ImportService = ReturnType<typeof createImportService>;

/** The row's cells converted to field values, or undefined after pushing every problem of the row to `errors`. */
function convertRow(row: CsvRow, columns: readonly Column[], errors: ImportError[]): ConvertedRow | undefined {
  const before = errors.length;
  if (row.cells.length !== columns.length) {
    errors.push({ line: row.line, column: '', reason: `has ${row.cells.length} cells; the header has ${columns.length}` });
    return undefined;
  }
  const input: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const text = (row.cells[i] ?? '').trim();
    if (text === '') return;
    const converted = convertCell(text, column.field);
    if (converted.ok) setPath(input, column.field.path, converted.value);
    else errors.push({ line: row.line, column: column.header, reason: converted.reason });
  });
  return errors.length === before ? { line: row.line, input } : undefined;
}

/** The row if the create schema takes it; else undefined, its problems pushed (not again for columns already reported). */
function validateRow(row: ConvertedRow, columns: readonly Column[], schema: z.ZodType, errors: ImportError[], reported: ReadonlySet<string>): Row | undefined {
  const parsed = schema.safeParse(row.input);
  if (parsed.success && reported.size === 0) return row;
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const column = columnOf(issue.path.map(String).join('.'), columns);
      if (!reported.has(column)) errors.push({ line: row.line, column, reason: issue.message });
    }
  }
  return undefined;
}

/** The second and later rows with an already-seen natural key, each reported on its own line. */
function duplicateKeys(
  rows: readonly (Row | undefined)[],
  columns: readonly Column[],
  naturalKey: (typeof NATURAL_KEYS)[UpsertableResource],
  normalize: (value: unknown) => unknown = (value) => value,
): ImportError[] {
  const errors: ImportError[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    if (!row) continue;
    const field = naturalKey.fields.find((f) => getPath(row.input, f) !== undefined);
    if (field === undefined) continue;
    const owner = naturalKey.perEnterprise ? getPath(row.input, 'enterpriseId') : undefined;
    const key = JSON.stringify([owner ?? null, field, normalize(getPath(row.input, field))]);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, row.line);
    else errors.push({ line: row.line, column: columnOf(field, columns), reason: `repeats the record of line ${first}` });
  }
  return errors;
}

function fromUpsert(error: UpsertRowError, rows: readonly Row[], columns: readonly Column[]): ImportError {
  // The registry names other inputs by index; the file's reader knows them by line.
  const reason = error.reason.replace(/\binput (\d+)\b/g, (_m, i: string) => `line ${rows[Number(i)]?.line ?? '?'}`);
  return { line: rows[error.index]?.line ?? 0, column: columnOf(error.field, columns), reason };
}

// The header of the column holding `path` (or a field inside it); the path itself when no column does.
function columnOf(path: string, columns: readonly Column[]): string {
  const exact = columns.find((c) => c.field.path === path);
  const inside = exact ?? columns.find((c) => path !== '' && c.field.path.startsWith(`${path}.`));
  return inside?.header ?? path;
}

function sortByLine(errors: ImportError[]): ImportError[] {
  return [...errors].sort((a, b) => a.line - b.line);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  keys.slice(0, -1).forEach((key, i) => {
    const next = node[key];
    // "coordinates.0" builds an array: the schema's tuple wants one.
    const fresh = /^\d+$/.test(keys[i + 1] ?? '') ? [] : {};
    node = (typeof next === 'object' && next !== null ? next : (node[key] = fresh)) as Record<string, unknown>;
  });
  node[keys[keys.length - 1] as string] = value;
}

function getPath(source: Record<string, unknown>, path: string): unknown {
  let node: unknown = source;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
