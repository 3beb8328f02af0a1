import type { ColumnAliases } from './imports.columns';
import type { FieldSpec } from './imports.fields';

export interface ImportError {
  /** Line in the file (header = 1). */
  line: number;
  /** The column header as written in the file, or the field name when no column holds it. */
  column: string;
  reason: string;
}

export interface Column {
  /** The header as written (trimmed). */
  header: string;
  field: FieldSpec;
}

/**
 * Which field each column fills. A header is a field path of the schema or one of the resource's
 * Chinese headers; unknown headers, two columns for one field and required fields without a column
 * are all reported at once, on line 1.
 */
export function resolveHeader(
  cells: readonly string[],
  fields: ReadonlyMap<string, FieldSpec>,
  aliases: ColumnAliases,
): { columns: Column[]; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const columns: Column[] = [];
  const byField = new Map<string, string>();
  for (const raw of cells) {
    const header = raw.trim();
    const field = fieldFor(header, fields, aliases);
    if (!field) {
      errors.push({ line: 1, column: header, reason: header ? 'unknown column' : 'column without a header' });
      continue;
    }
    const earlier = byField.get(field.path);
    if (earlier !== undefined) {
      errors.push({ line: 1, column: header, reason: `fills ${field.path}, as column "${earlier}" already does` });
      continue;
    }
    byField.set(field.path, header);
    columns.push({ header, field });
  }
  for (const field of fields.values()) {
    const filled = [...byField.keys()].some((path) => path === field.path || path.startsWith(`${field.path}.`));
    if (field.required && !filled) {
      errors.push({ line: 1, column: field.path, reason: 'required column is missing' });
    }
  }
  return { columns: errors.length ? [] : columns, errors };
}

function fieldFor(header: string, fields: ReadonlyMap<string, FieldSpec>, aliases: ColumnAliases): FieldSpec | undefined {
  const direct = fields.get(header);
  if (direct) return direct;
  // Excel users write "充装量（kg）" and "充装量(kg)" alike; spaces inside a header never matter.
  const key = header.replace(/\s+/g, '');
  const candidates = aliases[key] ?? aliases[key.replace(/（/g, '(').replace(/）/g, ')')] ?? [];
  for (const path of candidates) {
    const field = fields.get(path);
    if (field) return field;
  }
  return undefined;
}
