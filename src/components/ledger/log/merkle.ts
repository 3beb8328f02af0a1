import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * RFC 6962 (Certificate Transparency) Merkle tree hashing, audit paths and consistency proofs,
 * with the verifiers of RFC 9162 §2.1.3.2 and §2.1.4.2. Pure: no I/O, no state. Trees are read
 * through a `SubtreeHasher` so that a cached tree (merkle.tree.ts) answers in O(log n).
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({d}) = SHA-256(0x00 || d). */
export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256() — the root of the empty tree. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** MTH(D[start : start+size]) for a non-empty range of the tree's leaves. */
export type SubtreeHasher = (start: number, size: number) => Buffer;

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A hasher over a plain array of leaf hashes: O(n) per call, for small trees and tests. */
export function arrayHasher(leafHashes: readonly Buffer[]): SubtreeHasher {
  const hash: SubtreeHasher = (start, size) => {
    if (size === 1) return leafAt(leafHashes, start);
    const k = splitPoint(size);
    return nodeHash(hash(start, k), hash(start + k, size - k));
  };
  return hash;
}

function leafAt(leafHashes: readonly Buffer[], index: number): Buffer {
  const leaf = leafHashes[index];
  if (!leaf) throw new RangeError(`no leaf ${index}`);
  return leaf;
}

/** The root of a tree of `size` leaves (RFC 6962 MTH). */
export function treeRoot(hash: SubtreeHasher, size: number): Buffer {
  return size === 0 ? EMPTY_ROOT : hash(0, size);
}

/** PATH(m, D[n]): the audit path for leaf m in the tree of the first n leaves, leaf side first. */
export function inclusionPath(hash: SubtreeHasher, m: number, n: number): Buffer[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m >= n) {
    throw new RangeError(`leaf ${m} is not in a tree of size ${n}`);
  }
  const path: Buffer[] = [];
  let start = 0;
  let size = n;
  let index = m;
  // Walk down from the root; siblings are collected root-first and reversed at the end.
  while (size > 1) {
    const k = splitPoint(size);
    if (index < k) {
      path.push(hash(start + k, size - k));
      size = k;
    } else {
      path.push(hash(start, k));
      start += k;
      index -= k;
      size -= k;
    }
  }
  return path.reverse();
}

/** PROOF(m, D[n]): the consistency proof that the tree of size m is a prefix of the tree of size n. */
export function consistencyPath(hash: SubtreeHasher, m: number, n: number): Buffer[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n) {
    throw new RangeError(`no consistency proof from size ${m} to size ${n}`);
  }
  const path: Buffer[] = [];
  let start = 0;
  let size = n;
  let first = m;
  let whole = true;
  // SUBPROOF(m, D[n], b) unrolled: each step adds one sibling, root-first.
  while (first !== size) {
    const k = splitPoint(size);
    if (first <= k) {
      path.push(hash(start + k, size - k));
      size = k;
    } else {
      path.push(hash(start, k));
      start += k;
      first -= k;
      size -= k;
      whole = false;
    }
  }
  if (!whole) path.push(hash(start, size));
  return path.reverse();
}

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2: does `path` prove leaf `leafIndex` (with hash `leaf`) is in the tree with `root`? */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) {
    return false;
  }
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of path) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(r, root);
}

/** RFC 9162 §2.1.4.2: does `path` prove the tree (first, firstRoot) is a prefix of (second, secondRoot)? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  path: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 1 || first > second) return false;
  if (first === second) return path.length === 0 && sameHash(firstRoot, secondRoot);
  const nodes = isPowerOfTwo(first) ? [firstRoot, ...path] : [...path];
  const [head, ...rest] = nodes;
  if (!head) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(head);
  let sr: Buffer = Buffer.from(head);
  for (const c of rest) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, firstRoot) && sameHash(sr, secondRoot);
}

function isPowerOfTwo(x: number): boolean {
  let p = 1;
  while (p < x) p *= 2;
  return p === x;
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
