/**
 * JSON from a response's bytes, parsed the way `JSON.parse` parses it but in pieces when the body is
 * large: the top-level object's members (and the elements of a big top-level array, or of a big array
 * member such as `results`) are found by a byte scan and parsed one by one, each from its own short
 * string. Why:
 * - A 100-item page is ~100 KB of UTF-8; as one string with a single emoji it is 200 KB of UTF-16,
 *   which V8 puts in its large-object space: it is freed only by a full collection, and a listing of
 *   100k contributions made hundreds of MB of such garbage before one ran (RSS +200 MB). Short strings
 *   die young in the nursery.
 * - A 16 MB body parsed at once blocks the event loop (the extension host's one thread) for a long
 *   time; in pieces, the parse yields every few milliseconds.
 * - The elements of a top-level member array can be handed on run by run as they are parsed
 *   (`onRun`), before the rest of the body is: a listing starts the first cases' comment reads while
 *   the 500-case page is still being parsed (the parse yields right after each handover, so the
 *   requests the handover started can leave).
 * Anything the scan does not expect falls back to one `JSON.parse` of the whole text, so invalid JSON is
 * refused exactly as before (undefined); what `onRun` was told before that stays told (a caller uses it
 * for work it would have started anyway once the whole value was parsed).
 */

/** Bodies smaller than this are parsed in one go: short strings, short work. */
export const PIECEWISE_MIN_BYTES = 32 * 1024;
/** How long a parse runs before it lets other work in. */
const SLICE_MS = 8;
/** A run of array elements parsed at once: its string stays far below V8's large-object size. */
const BATCH_BYTES = 16 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Thrown by the scan when the bytes are not what it expects; the caller falls back to JSON.parse. */
class Unexpected extends Error {}

/** Whether bytes are empty or JSON white space only (a success with nothing to parse). */
export function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (!isSpace(b)) return false;
  return true;
}

/** The parsed JSON, or undefined when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Told the elements of the array member `member` of a top-level object, a run at a time, as a large
 * body is parsed (a small body, parsed in one go, tells nothing: its value is there at once).
 */
export type OnRun = (member: string, elements: readonly unknown[]) => void;

/** Parses JSON bytes (UTF-8); undefined when they are not JSON. Large bodies are parsed in pieces. */
export async function parseJsonBytes(bytes: Buffer, onRun?: OnRun): Promise<unknown> {
  if (bytes.length < PIECEWISE_MIN_BYTES) return parseJson(bytes.toString('utf8'));
  try {
    return await parsePiecewise(bytes, onRun);
  } catch (e) {
    if (!(e instanceof Unexpected) && !(e instanceof SyntaxError)) throw e;
    return parseJson(bytes.toString('utf8'));
  }
}

/**
 * The piecewise parse alone: throws where the scan meets what it does not expect, instead of falling
 * back to one `JSON.parse` (tests use it to see that valid pages never need the fallback).
 */
export function parsePiecewise(bytes: Buffer, onRun?: OnRun): Promise<unknown> {
  return new PiecewiseParser(bytes, onRun).parse();
}

class PiecewiseParser {
  private sliceStart = performance.now();

  constructor(
    private readonly b: Buffer,
    private readonly onRun?: OnRun,
  ) {}

  async parse(): Promise<unknown> {
    const start = this.skipSpace(0);
    const first = this.b[start];
    let value: unknown;
    let end: number;
    if (first === OPEN_OBJECT) [value, end] = await this.object(start);
    else if (first === OPEN_ARRAY) [value, end] = await this.array(start);
    else return parseJson(this.b.toString('utf8'));
    if (this.skipSpace(end) !== this.b.length) throw new Unexpected();
    return value;
  }

  /** `{ "key": value, ... }` from `at` (its `{`): members parsed one by one, big arrays element-wise. */
  private async object(at: number): Promise<[Record<string, unknown>, number]> {
    const out: Record<string, unknown> = {};
    let i = this.skipSpace(at + 1);
    if (this.b[i] === CLOSE_OBJECT) return [out, i + 1];
    for (;;) {
      if (this.b[i] !== QUOTE) throw new Unexpected();
      const keyEnd = this.stringEnd(i);
      const key = JSON.parse(this.b.toString('utf8', i, keyEnd)) as string;
      i = this.skipSpace(keyEnd);
      if (this.b[i] !== COLON) throw new Unexpected();
      const valueStart = this.skipSpace(i + 1);
      let value: unknown;
      if (this.b[valueStart] === OPEN_ARRAY) [value, i] = await this.array(valueStart, this.onRun && key);
      else {
        i = this.valueEnd(valueStart);
        value = this.piece(valueStart, i);
      }
      // defineProperty: a member named "__proto__" stays an own property, as JSON.parse makes it
      Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      i = this.skipSpace(i);
      if (this.b[i] === CLOSE_OBJECT) return [out, i + 1];
      if (this.b[i] !== COMMA) throw new Unexpected();
      i = this.skipSpace(i + 1);
    }
  }

  /**
   * `[ value, ... ]` from `at` (its `[`): elements parsed a run at a time (a run of whole elements up to
   * BATCH_BYTES, parsed as one small array: short strings, few calls). `member`: the array is that
   * member of the top-level object, its runs are handed to `onRun`.
   */
  private async array(at: number, member?: string): Promise<[unknown[], number]> {
    const out: unknown[] = [];
    let i = this.skipSpace(at + 1);
    if (this.b[i] === CLOSE_ARRAY) return [out, i + 1];
    let runStart = i;
    for (;;) {
      const end = this.valueEnd(i);
      i = this.skipSpace(end);
      const last = this.b[i] === CLOSE_ARRAY;
      if (!last && this.b[i] !== COMMA) throw new Unexpected();
      if (last || end - runStart >= BATCH_BYTES) {
        const run = this.run(runStart, end);
        for (const value of run) out.push(value);
        if (member !== undefined) this.onRun!(member, run);
        if (last) return [out, i + 1];
        runStart = this.skipSpace(i + 1);
        if (member !== undefined || performance.now() - this.sliceStart > SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          this.sliceStart = performance.now();
        }
      }
      i = this.skipSpace(i + 1);
    }
  }

  /**
   * The elements from `start` to `end` (whole ones, of one array) as an array. The bytes just around
   * them — the array's `[` or a comma or white space before, a comma, white space or `]` after — are
   * made `[` and `]` for the parse and put back: the run's text is decoded once, where a bracketed
   * copy of it made a second string as long (100 MB more garbage over a 100,000-item listing).
   */
  private run(start: number, end: number): unknown[] {
    const b = this.b;
    const before = b[start - 1];
    const after = b[end];
    b[start - 1] = OPEN_ARRAY;
    b[end] = CLOSE_ARRAY;
    try {
      return JSON.parse(b.toString('utf8', start - 1, end + 1)) as unknown[];
    } finally {
      b[start - 1] = before;
      b[end] = after;
    }
  }

  private piece(start: number, end: number): unknown {
    return JSON.parse(this.b.toString('utf8', start, end));
  }

  private skipSpace(i: number): number {
    while (i < this.b.length && isSpace(this.b[i])) i++;
    return i;
  }

  /**
   * Just past the string that starts at `i` (its opening quote): the next quote not escaped (preceded
   * by an even number of backslashes), found with the native `indexOf` — most of a page's bytes are text.
   */
  private stringEnd(i: number): number {
    const b = this.b;
    for (let from = i + 1; ;) {
      const q = b.indexOf(QUOTE, from);
      if (q < 0) throw new Unexpected();
      let k = q - 1;
      while (b[k] === BACKSLASH) k--;
      if ((q - 1 - k) % 2 === 0) return q + 1;
      from = q + 1;
    }
  }

  /** Just past the value that starts at `i`: a string, an object or array (nesting counted), or a scalar. */
  private valueEnd(i: number): number {
    const b = this.b;
    const first = b[i];
    if (first === QUOTE) return this.stringEnd(i);
    if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
      let depth = 0;
      for (let j = i; j < b.length; j++) {
        const c = b[j];
        if (c === QUOTE) j = this.stringEnd(j) - 1;
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
          if (--depth === 0) return j + 1;
        }
      }
      throw new Unexpected();
    }
    let j = i;
    while (j < b.length && b[j] !== COMMA && b[j] !== CLOSE_OBJECT && b[j] !== CLOSE_ARRAY && !isSpace(b[j])) j++;
    if (j === i) throw new Unexpected();
    return j;
  }
}
