import { consistencyPath, inclusionPath, nodeHash, treeRoot, splitPoint, type SubtreeHasher } from './merkle';

const HASH_BYTES = 32;

/** A growable array of 32-byte hashes in one buffer: a million leaves cost 32 MB, not a million objects. */
class HashArray {
  private bytes = Buffer.alloc(HASH_BYTES * 1024);
  length = 0;

  push(hash: Uint8Array): void {
    if (hash.length !== HASH_BYTES) throw new RangeError('a hash is 32 bytes');
    if ((this.length + 1) * HASH_BYTES > this.bytes.length) {
      const grown = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(grown);
      this.bytes = grown;
    }
    this.bytes.set(hash, this.length * HASH_BYTES);
    this.length += 1;
  }

  at(index: number): Buffer {
    if (index < 0 || index >= this.length) throw new RangeError(`no hash ${index}`);
    // A copy: the backing buffer is replaced when it grows.
    return Buffer.from(this.bytes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES));
  }
}

/**
 * An append-only Merkle tree that keeps every complete, aligned subtree's hash (level L holds the
 * roots of the subtrees of 2^L leaves). Any root, audit path or consistency proof then needs only
 * O(log n) lookups and at most O(log n) hash computations — never a reread of the leaves.
 */
export class MerkleTree {
  private readonly levels: HashArray[] = [new HashArray()];

  /** Appends leaf hashes (already SHA-256(0x00 || leaf)). */
  static of(leafHashes: Iterable<Uint8Array>): MerkleTree {
    const tree = new MerkleTree();
    for (const hash of leafHashes) tree.append(hash);
    return tree;
  }

  get size(): number {
    return this.level(0).length;
  }

  append(leafHash: Uint8Array): void {
    this.level(0).push(leafHash);
    let count = this.size;
    for (let level = 0; count % 2 === 0; level += 1) {
      const below = this.level(level);
      const left = below.at(below.length - 2);
      const right = below.at(below.length - 1);
      if (!this.levels[level + 1]) this.levels.push(new HashArray());
      this.level(level + 1).push(nodeHash(left, right));
      count /= 2;
    }
  }

  leafHash(index: number): Buffer {
    return this.level(0).at(index);
  }

  root(size: number = this.size): Buffer {
    this.checkSize(size);
    return treeRoot(this.hasher, size);
  }

  inclusionProof(leafIndex: number, size: number = this.size): Buffer[] {
    this.checkSize(size);
    return inclusionPath(this.hasher, leafIndex, size);
  }

  consistencyProof(first: number, second: number = this.size): Buffer[] {
    this.checkSize(second);
    return consistencyPath(this.hasher, first, second);
  }

  private readonly hasher: SubtreeHasher = (start, size) => this.subtree(start, size);

  private subtree(start: number, size: number): Buffer {
    const level = Math.log2(size);
    if (Number.isInteger(level) && start % size === 0) return this.level(level).at(start / size);
    const k = splitPoint(size);
    return nodeHash(this.subtree(start, k), this.subtree(start + k, size - k));
  }

  private level(index: number): HashArray {
    const level = this.levels[index];
    if (!level) throw new RangeError(`no level ${index}`);
    return level;
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new RangeError(`the log has ${this.size} leaves, not ${size}`);
    }
  }
}
