import type { Principal } from '../auth';
import type { CodedResource, CodeLookups } from './imports.ports';
import type { Column, ImportError } from './imports.header';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

const NOUNS: Readonly<Record<CodedResource, string>> = { sites: 'site', vehicles: 'vehicle', workers: 'worker', cylinders: 'cylinder' };

/** A converted row before the schema sees it: its line, and its input by field path. */
export interface ConvertedRow {
  line: number;
  input: Record<string, unknown>;
}

/**
 * Replaces the human codes in reference columns (a worker's 所属站点, a cylinder's 充装站 …) with the
 * ids they name, so the registry's input schema and its reference checks see ids as ever. A cell
 * that is a 24-hex id is left as it is. A code is looked up within the row's enterprise (its 企业
 * column, else the caller's) and the caller's scope, in one read per enterprise and resource: one of
 * another enterprise is unknown exactly like a missing one, and is reported with line, column and value.
 */
export async function resolveCodes(
  rows: readonly (ConvertedRow | undefined)[],
  columns: readonly Column[],
  references: Readonly<Record<string, CodedResource>>,
  principal: Principal,
  lookups: CodeLookups,
): Promise<ImportError[]> {
  const coded = columns.filter((c) => references[c.field.path] !== undefined);
  if (coded.length === 0) return [];
  const errors: ImportError[] = [];
  const wanted = new Map<string, { resource: CodedResource; enterpriseId: string; codes: Set<string> }>();
  const uses: { row: ConvertedRow; column: Column; resource: CodedResource; enterpriseId: string; code: string }[] = [];
  for (const row of rows) {
    if (!row) continue;
    for (const column of coded) {
      const value = row.input[column.field.path];
      if (typeof value !== 'string' || OBJECT_ID.test(value)) continue;
      const resource = references[column.field.path] as CodedResource;
      const given = row.input.enterpriseId;
      const enterpriseId = typeof given === 'string' && OBJECT_ID.test(given) ? given : principal.enterpriseId;
      if (!enterpriseId) {
        errors.push({ line: row.line, column: column.header, reason: `"${value}" is a ${NOUNS[resource]} code, which names a ${NOUNS[resource]} within an enterprise: give the row's enterprise (企业) or the ${NOUNS[resource]}'s id` });
        continue;
      }
      const key = `${resource}:${enterpriseId}`;
      const group = wanted.get(key) ?? { resource, enterpriseId, codes: new Set<string>() };
      group.codes.add(value);
      wanted.set(key, group);
      uses.push({ row, column, resource, enterpriseId, code: value });
    }
  }
  const found = new Map<string, Map<string, string>>();
  for (const [key, group] of wanted) {
    found.set(key, await lookups.idsByCode(group.resource, group.enterpriseId, [...group.codes], principal));
  }
  for (const use of uses) {
    const id = found.get(`${use.resource}:${use.enterpriseId}`)?.get(use.code);
    if (id) use.row.input[use.column.field.path] = id;
    else errors.push({ line: use.row.line, column: use.column.header, reason: `"${use.code}" is not the code of a ${NOUNS[use.resource]} of this enterprise` });
  }
  return errors;
}
