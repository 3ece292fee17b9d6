/**
 * The identities a list has handed on (the pager's de-duplication), kept small for a long list. A list's
 * ids are mostly integers from a dense range (a community's 100,000 contributions), and a JS Set of them
 * costs ~26 bytes an id in hash table — 2.6 MB for 100k ids, grown by doubling in V8's large-object space,
 * where each outgrown table stays until a full collection. Once the set holds `BITMAP_FROM` ids, the
 * integer ones move to a bitmap over their range when that range is dense enough (at most `SPARSE` ids'
 * room per id held): 100k ids in 12.5 KB. Ids that are not integers, or that would make the bitmap too
 * sparse, stay in the Set. Membership is exactly a Set's, whichever holds an id.
 */
import type { Identity } from './pagedList';

/** Ids held before a bitmap is tried (a short list stays a Set). */
const BITMAP_FROM = 1024;
/** A bitmap is used while its range is at most this many times the ids it holds (4 bytes an id at most). */
const SPARSE = 32;

export class IdentitySet {
  private readonly set = new Set<Identity>();
  /** Bit `i` stands for the id `base + i`. No id of the Set lies in the bitmap's range. */
  private bits: Int32Array | undefined;
  private base = 0;
  /** Ids in the bitmap. */
  private inBits = 0;
  /** The Set's size at which a bitmap is tried (again: a sparse start may become dense). */
  private nextTry = BITMAP_FROM;

  get size(): number {
    return this.set.size + this.inBits;
  }

  has(id: Identity): boolean {
    const i = this.bitOf(id);
    return i >= 0 ? (this.bits![i >>> 5] & (1 << (i & 31))) !== 0 : this.set.has(id);
  }

  add(id: Identity): void {
    let i = this.bitOf(id);
    if (i < 0 && this.bits && isInteger(id) && this.cover(id, id, 1)) i = this.bitOf(id);
    if (i >= 0) return this.setBit(i);
    this.set.add(id);
    if (this.set.size >= this.nextTry) this.tryBitmap();
  }

  private setBit(i: number): void {
    const word = i >>> 5;
    const bit = 1 << (i & 31);
    if ((this.bits![word] & bit) !== 0) return;
    this.bits![word] |= bit;
    this.inBits++;
  }

  /** Moves the Set's integer ids to the bitmap when their range (with the bitmap's) is dense enough. */
  private tryBitmap(): void {
    this.nextTry = this.set.size * 2;
    let lo = Infinity;
    let hi = -Infinity;
    let ints = 0;
    for (const id of this.set) {
      if (!isInteger(id)) continue;
      ints++;
      if (id < lo) lo = id;
      if (id > hi) hi = id;
    }
    if (ints) this.cover(lo, hi, ints);
  }

  /**
   * Makes the bitmap cover `lo`..`hi` if it stays dense enough for the ids it holds and `more` about to
   * join; it grows by at least its own range on the side that grows (a list read in order extends it
   * often). False when it would be too sparse.
   */
  private cover(lo: number, hi: number, more: number): boolean {
    const old = this.bits;
    let base = lo;
    let top = hi;
    if (old) {
      const span = old.length * 32;
      const oldTop = this.base + span - 1;
      if (lo >= this.base && hi <= oldTop) return true;
      const wantLo = lo < this.base ? Math.min(lo, this.base - span) : this.base;
      // whole words below the old base, so the old words copy as they are
      base = this.base - Math.ceil((this.base - wantLo) / 32) * 32;
      top = hi > oldTop ? Math.max(hi, oldTop + span) : oldTop;
    }
    const words = Math.ceil((top - base + 1) / 32);
    if (words * 32 > SPARSE * (this.inBits + more) || !Number.isSafeInteger(base + words * 32)) return false;
    const next = new Int32Array(words);
    if (old) next.set(old, (this.base - base) / 32);
    this.bits = next;
    this.base = base;
    // the Set keeps no id of the bitmap's range
    for (const id of this.set) {
      const i = this.bitOf(id);
      if (i < 0) continue;
      this.set.delete(id);
      this.setBit(i);
    }
    return true;
  }

  /** The id's bit in the bitmap, or -1 when the bitmap does not hold ids like it. */
  private bitOf(id: Identity): number {
    if (!this.bits || typeof id !== 'number') return -1;
    const i = id - this.base;
    return Number.isInteger(i) && i >= 0 && i < this.bits.length * 32 ? i : -1;
  }
}

function isInteger(id: Identity): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id);
}
