/**
 * Deterministic randomness. Everything the emulator generates derives from the seed through these
 * helpers, so the same options always give the same data. Item texts are not stored: they are
 * re-derived from `hash(seed, kind, id)` whenever a response is built.
 */

/** Mixes any number of integers into one 32-bit unsigned hash. */
export function hash(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    let k = Math.imul(p | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // high bits of large ids matter too
    h ^= Math.floor(p / 0x100000000) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A float in [0, 1) from the hash of the parts. */
export function unit(...parts: number[]): number {
  return hash(...parts) / 0x100000000;
}

/** A small, fast PRNG (mulberry32) with a few conveniences. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static of(...parts: number[]): Rng {
    return new Rng(hash(...parts));
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }

  /** Picks by weight: `weights[i]` is the relative weight of index i. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

/** Stable small integer for a string (salts hashes with names such as 'status'). */
export function code(name: string): number {
  let h = 7;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h >>> 0;
}

/**
 * Selection sampling (Knuth's algorithm S): call `take()` once per item, in order, for `n` items;
 * exactly `k` of them answer true, uniformly at random. Keeps small seeded sets predictable
 * (10 posts at a 45 % rate always give 4 or 5 votes, never 0).
 */
export class ExactSampler {
  private seen = 0;
  private chosen = 0;

  constructor(
    private readonly rng: Rng,
    private readonly n: number,
    private readonly k: number,
  ) {}

  take(): boolean {
    const left = this.n - this.seen++;
    if (left <= 0) return false;
    const yes = this.rng.next() * left < this.k - this.chosen;
    if (yes) this.chosen++;
    return yes;
  }
}

/** A growable typed-array column: compact storage for large seeded tables. */
export class Column {
  private data: Int32Array;
  length = 0;

  constructor(capacity = 64) {
    this.data = new Int32Array(Math.max(16, capacity));
  }

  push(v: number): number {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length] = v;
    return this.length++;
  }

  get(i: number): number {
    return i >= 0 && i < this.length ? this.data[i] : 0;
  }

  set(i: number, v: number): void {
    if (i < 0 || i >= this.length) throw new RangeError(`column index ${i} out of range`);
    this.data[i] = v;
  }
}

/** ISO date without milliseconds, as both APIs print them. */
export function iso(ms: number, offsetStyle = false): string {
  const s = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return offsetStyle ? s.replace(/Z$/, '+00:00') : s;
}
