/**
 * Copy-on-write editing of an immutable document: every container on a written path is copied
 * once per update and then edited in place, so `$[]` over a long array stays linear and the
 * input document (and everything it shares with other documents) is never touched.
 */
import { bsonTypeName, isDocument } from './bson-types';
import { valuesEqual } from './compare';
import { describe } from './describe';
import { pathNotViable } from './errors';
import { MISSING, isArrayIndex } from './path';

type Doc = Record<string, unknown>;
type Container = Doc | unknown[];

/** Where a leaf operator reads and writes: `parent[key]` (key is an index for arrays). */
export interface Slot {
  readonly parent: Container;
  readonly key: string;
  readonly value: unknown;
  /** The dotted path as the user wrote it after positional expansion, for messages. */
  readonly path: string;
}

/** Same BSON type and equal value: writing it again would not modify the document. */
export function sameValue(a: unknown, b: unknown): boolean {
  return bsonTypeName(a) === bsonTypeName(b) && valuesEqual(a, b);
}

export class Draft {
  private readonly owned = new WeakSet<object>();
  readonly root: Doc;
  changed = false;

  constructor(readonly original: Doc) {
    this.root = { ...original };
    this.owned.add(this.root);
  }

  private own<T extends Container>(parent: Container, key: string, child: T): T {
    if (this.owned.has(child)) return child;
    const copy = (Array.isArray(child) ? child.slice() : { ...child }) as T;
    this.owned.add(copy);
    writeChild(parent, key, copy);
    return copy;
  }

  /**
   * Find the slot for `parts`. With `create`, missing documents along the way are made and a
   * path blocked by a scalar is an error (as mongod reports it); without, the walk just stops.
   */
  locate(parts: readonly string[], create: boolean): Slot | undefined {
    let node: Container = this.root;
    const path = parts.join('.');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const last = i === parts.length - 1;
      if (Array.isArray(node) && !isArrayIndex(part)) {
        if (!create) return undefined;
        throw pathNotViable(`Cannot create field '${part}' in element {${parts[i - 1] ?? ''}: ${describe(node)}}`);
      }
      const child = readChild(node, part);
      if (last) return { parent: node, key: part, value: child, path };
      if (child === MISSING) {
        if (!create) return undefined;
        const fresh: Doc = {};
        this.owned.add(fresh);
        writeChild(node, part, fresh);
        this.changed = true;
        node = fresh;
      } else if (isDocument(child) || Array.isArray(child)) {
        node = this.own(node, part, child);
      } else {
        if (!create) return undefined;
        throw pathNotViable(`Cannot create field '${parts[i + 1] ?? ''}' in element {${part}: ${describe(child)}}`);
      }
    }
    return undefined;
  }

  set(slot: Slot, value: unknown): void {
    if (slot.value !== MISSING && sameValue(slot.value, value)) return;
    writeChild(slot.parent, slot.key, value);
    this.changed = true;
  }

  /** $unset semantics: remove a field, or null out an array element (arrays never shrink). */
  unset(slot: Slot): void {
    if (slot.value === MISSING) return;
    if (Array.isArray(slot.parent)) {
      if (slot.value === null) return;
      slot.parent[Number(slot.key)] = null;
    } else {
      delete slot.parent[slot.key];
    }
    this.changed = true;
  }
}

function readChild(node: Container, key: string): unknown {
  if (Array.isArray(node)) {
    const idx = Number(key);
    return idx < node.length ? node[idx] : MISSING;
  }
  return Object.prototype.hasOwnProperty.call(node, key) ? node[key] : MISSING;
}

/** Writing past the end of an array pads it with nulls, as mongod does. */
function writeChild(node: Container, key: string, value: unknown): void {
  if (Array.isArray(node)) {
    const idx = Number(key);
    while (node.length < idx) node.push(null);
    node[idx] = value;
  } else if (key === '__proto__') {
    // A field really named __proto__ must stay a field, not become the object's prototype.
    Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    node[key] = value;
  }
}
