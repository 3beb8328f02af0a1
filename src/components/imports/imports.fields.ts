import type { z } from 'zod';

/** How a cell's text becomes a field's value, read off the registry's zod schema. */
export type FieldKind = 'string' | 'isoDate' | 'isoDatetime' | 'date' | 'number' | 'boolean' | 'enum' | 'numbers';

export interface FieldSpec {
  path: string;
  kind: FieldKind;
  /** The allowed values of an enum, or of a number that is a union of literals (5 | 15 | 50). */
  options?: readonly string[];
  /** Absent cells are refused before any row is read when a required field has no column. */
  required: boolean;
}

type Def = Record<string, unknown> & { type: string };

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function optionality(schema: unknown): 'optional' | 'defaulted' | undefined {
  return (schema as { _zod: { optin?: 'optional' | 'defaulted' } })._zod.optin;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

// Peels optional/nullable/default/... and pipes (a transform's input is what the cell must give).
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type)) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else return current;
  }
}

/** Every leaf field of an object schema, nested objects flattened to dotted paths. */
export function fieldsOf(schema: z.ZodType): Map<string, FieldSpec> {
  const fields = new Map<string, FieldSpec>();
  collect(schema, '', true, fields);
  return fields;
}

function collect(schema: unknown, prefix: string, required: boolean, out: Map<string, FieldSpec>): void {
  const object = unwrap(schema);
  const def = defOf(object);
  if (def.type !== 'object') return;
  for (const [key, child] of Object.entries(def.shape as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const childRequired = required && optionality(child) === undefined;
    const inner = unwrap(child);
    const type = defOf(inner).type;
    if (type === 'object') {
      collect(inner, path, childRequired, out);
      continue;
    }
    out.set(path, { path, required: childRequired, ...leafKind(inner) });
    // A [longitude, latitude] pair may also come as two columns, one per element.
    if (type === 'tuple') {
      (defOf(inner).items as unknown[]).forEach((item, i) => {
        out.set(`${path}.${i}`, { path: `${path}.${i}`, required: false, ...leafKind(unwrap(item)) });
      });
    }
  }
}

function leafKind(schema: unknown): Pick<FieldSpec, 'kind' | 'options'> {
  const def = defOf(schema);
  switch (def.type) {
    case 'number':
    case 'int':
    case 'bigint':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'date':
      return { kind: 'date' };
    case 'enum':
      return { kind: 'enum', options: Object.values(def.entries as Record<string, string>).map(String) };
    case 'literal': {
      const values = def.values as unknown[];
      if (values.every((v) => typeof v === 'number')) return { kind: 'number', options: values.map(String) };
      return { kind: 'enum', options: values.map(String) };
    }
    case 'union':
      return unionKind(def.options as unknown[]);
    case 'tuple':
    case 'array':
      return { kind: 'numbers' };
    case 'string':
      if (def.format === 'date' || isDateString(schema)) return { kind: 'isoDate' };
      if (def.format === 'datetime') return { kind: 'isoDatetime' };
      return { kind: 'string' };
    default:
      return { kind: 'string' };
  }
}

// 5 | 15 | 50 is a number; 'a' | 'b' an enum; anything mixed is read as text and left to the schema.
function unionKind(options: unknown[]): Pick<FieldSpec, 'kind' | 'options'> {
  const kinds = options.map((o) => leafKind(unwrap(o)));
  const first = kinds[0];
  if (!first || kinds.some((k) => k.kind !== first.kind)) return { kind: 'string' };
  if (kinds.every((k) => k.options)) return { kind: first.kind, options: kinds.flatMap((k) => k.options ?? []) };
  return { kind: first.kind };
}

// A string schema that takes 2000-01-31 but neither 2000/01/31 nor letters in its shape (ABCD-EF-GH)
// is a date however it was written (format, regex, refinement); a serial pattern takes all three.
function isDateString(schema: unknown): boolean {
  const probe = schema as z.ZodType;
  return probe.safeParse('2000-01-31').success && !probe.safeParse('2000/01/31').success && !probe.safeParse('ABCD-EF-GH').success;
}
