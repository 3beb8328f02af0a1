import { createHash } from 'node:crypto';
import {
  arrayHasher,
  consistencyPath,
  EMPTY_ROOT,
  inclusionPath,
  leafHash,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/components/ledger/log/merkle';
import { MerkleTree } from '../../src/components/ledger/log/merkle.tree';

/** Hashes written out from RFC 6962 §2.1 directly, independent of the module under test. */
const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const L = (d: Uint8Array): Buffer => sha(Buffer.from([0]), d);
const N = (a: Buffer, b: Buffer): Buffer => sha(Buffer.from([1]), a, b);

/** The reference MTH: the RFC's recursive definition on the leaf data. */
function referenceRoot(data: readonly Buffer[]): Buffer {
  if (data.length === 0) return sha();
  if (data.length === 1) return L(data[0] as Buffer);
  let k = 1;
  while (k * 2 < data.length) k *= 2;
  return N(referenceRoot(data.slice(0, k)), referenceRoot(data.slice(k)));
}

// The test vectors of the Certificate Transparency / Trillian reference implementations.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
  Buffer.from(h, 'hex'),
);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const data = Array.from({ length: 17 }, (_, i) => sha(Buffer.from(`event ${i}`)));
const leafHashes = data.map((d) => leafHash(d));
const tree = MerkleTree.of(leafHashes);
const sizes = Array.from({ length: 17 }, (_, i) => i + 1);
const flip = (b: Buffer): Buffer => {
  const c = Buffer.from(b);
  c[0] = (c[0] ?? 0) ^ 1;
  return c;
};

describe('RFC 6962 Merkle tree', () => {
  it('matches the Certificate Transparency test vectors for trees of 1..8 leaves', () => {
    const hashes = CT_LEAVES.map((d) => leafHash(d));
    CT_ROOTS.forEach((root, i) => {
      expect(treeRoot(arrayHasher(hashes), i + 1).toString('hex')).toBe(root);
      expect(MerkleTree.of(hashes).root(i + 1).toString('hex')).toBe(root);
    });
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('builds the same hand-written small trees', () => {
    const [a, b, c, d, e] = data.map((x) => L(x)) as [Buffer, Buffer, Buffer, Buffer, Buffer];
    expect(tree.root(1)).toEqual(a);
    expect(tree.root(2)).toEqual(N(a, b));
    expect(tree.root(3)).toEqual(N(N(a, b), c));
    expect(tree.root(4)).toEqual(N(N(a, b), N(c, d)));
    expect(tree.root(5)).toEqual(N(N(N(a, b), N(c, d)), e));
  });

  it.each(sizes)('computes the root of %i leaves like the recursive definition, cached or not', (n) => {
    const expected = referenceRoot(data.slice(0, n));
    expect(tree.root(n)).toEqual(expected);
    expect(treeRoot(arrayHasher(leafHashes), n)).toEqual(expected);
  });

  it.each(sizes)('proves every leaf of a tree of %i leaves is included, and rejects tampered proofs', (n) => {
    const root = tree.root(n);
    for (let m = 0; m < n; m += 1) {
      const path = tree.inclusionProof(m, n);
      expect(path).toEqual(inclusionPath(arrayHasher(leafHashes), m, n));
      const leaf = leafHashes[m] as Buffer;
      expect(verifyInclusion(m, n, leaf, path, root)).toBe(true);
      // Wrong leaf, wrong index, wrong root. (A wrong tree size can share the path's shape; the
      // size is bound by the signed checkpoint, not by the proof.)
      expect(verifyInclusion(m, n, leafHashes[(m + 1) % 17] as Buffer, path, root)).toBe(false);
      if (n > 1) expect(verifyInclusion((m + 1) % n, n, leaf, path, root)).toBe(false);
      expect(verifyInclusion(m, n, leaf, path, flip(root))).toBe(false);
      expect(verifyInclusion(n, n, leaf, path, root)).toBe(false);
      // Every altered, dropped or extra path element.
      path.forEach((_, i) => {
        const altered = path.map((p, j) => (j === i ? flip(p) : p));
        expect(verifyInclusion(m, n, leaf, altered, root)).toBe(false);
      });
      if (path.length > 0) expect(verifyInclusion(m, n, leaf, path.slice(1), root)).toBe(false);
      expect(verifyInclusion(m, n, leaf, [...path, leaf], root)).toBe(false);
    }
  });

  it.each(sizes)('proves every smaller tree is a prefix of a tree of %i leaves, and rejects tampered proofs', (n) => {
    const second = tree.root(n);
    for (let m = 1; m <= n; m += 1) {
      const first = tree.root(m);
      const path = tree.consistencyProof(m, n);
      expect(path).toEqual(consistencyPath(arrayHasher(leafHashes), m, n));
      expect(verifyConsistency(m, n, first, second, path)).toBe(true);
      expect(verifyConsistency(m, n, flip(first), second, path)).toBe(false);
      expect(verifyConsistency(m, n, first, flip(second), path)).toBe(false);
      if (m < n) {
        // A tree whose first m leaves differ is not an extension.
        const forged = referenceRoot([...data.slice(0, m - 1), sha(Buffer.from('forged')), ...data.slice(m, n)]);
        expect(verifyConsistency(m, n, first, forged, path)).toBe(false);
        expect(verifyConsistency(m + 1, n, tree.root(m + 1), second, path)).toBe(false);
        path.forEach((_, i) => {
          const altered = path.map((p, j) => (j === i ? flip(p) : p));
          expect(verifyConsistency(m, n, first, second, altered)).toBe(false);
        });
        expect(verifyConsistency(m, n, first, second, path.slice(1))).toBe(false);
        expect(verifyConsistency(m, n, first, second, [...path, first])).toBe(false);
      } else {
        expect(path).toEqual([]);
      }
    }
  });

  it('refuses proofs for leaves and sizes outside the tree', () => {
    expect(() => tree.inclusionProof(5, 5)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 18)).toThrow(RangeError);
    expect(() => tree.consistencyProof(0, 4)).toThrow(RangeError);
    expect(() => tree.consistencyProof(5, 4)).toThrow(RangeError);
    expect(verifyConsistency(5, 4, tree.root(4), tree.root(4), [])).toBe(false);
  });
});
