/**
 * The pager's completeness checks (steps 2 and 3 of pager.ts's comment): every junction of two
 * neighbouring pages read by position is checked once the list is read, and the window of a broken
 * one is read again. A page is kept as a `Read`: its place, its first and last items' identities and
 * order keys — never the items, nor every identity of every page, which would keep a whole community's
 * contributions (parsed, or 100k ids) until the list ends.
 */
import { ReactionsError } from '../../errors';
import { pool } from '../../async';
import type { Identity, PagedList, PagerOptions } from './pagedList';
import { PAGER_LIMITS } from './pagerLimits';

/** One page read by position, as the junction checks see it. */
export interface Read<T> {
  readonly position: number;
  readonly length: number;
  readonly firstId?: Identity;
  readonly lastId?: Identity;
  /** Every item's identity: kept only for a list with no order to check a junction by. */
  readonly ids?: readonly Identity[];
  readonly first?: T;
  readonly last?: T;
  readonly total?: number;
  /** The server said no page followed this one when it was read (`Page.end`). */
  readonly end?: boolean;
}

export function readOf<T>(
  list: PagedList<T>,
  position: number,
  items: readonly T[],
  ids: readonly Identity[] | undefined,
  total?: number,
  end?: boolean,
): Read<T> {
  const key = (item: T | undefined) =>
    item === undefined || !list.compare ? undefined : (list.orderKey?.(item) ?? item);
  return {
    position,
    length: items.length,
    firstId: ids?.[0],
    lastId: ids?.[ids.length - 1],
    ids: list.compare ? undefined : ids,
    first: key(items[0]),
    last: key(items[items.length - 1]),
    total,
    end,
  };
}

export function lastNonEmpty<T>(reads: ReadonlyArray<Read<T>>): Read<T> | undefined {
  let last: Read<T> | undefined;
  for (const r of reads) if (r.length && (!last || r.position > last.position)) last = r;
  return last;
}

/** What the checks need of the list's reader. */
export interface JunctionReader<T> {
  readonly list: PagedList<T>;
  readonly options: PagerOptions;
  /** Items per page (the first page's length). */
  readonly size: number;
  /** Items handed on twice since the count was last reset (the list moved under a read by number). */
  duplicates: number;
  read(position: number, signal: AbortSignal, repair?: boolean): Promise<Read<T>>;
}

/**
 * Checks every junction of neighbouring non-empty pages and re-reads the window of a broken one.
 * Pages by number cannot overlap: there a count that changed between pages, or an item seen twice,
 * means the list moved while it was read, and the whole list is read once more (at most twice).
 */
export async function repairJunctions<T>(
  reader: JunctionReader<T>,
  reads: Array<Read<T>>,
  stride: number,
  total: number,
): Promise<void> {
  if (!reader.list.anyPosition) return rereadMoved(reader, reads, stride, total, 1);
  const pages = reads.filter((r) => r.length > 0).sort((a, b) => a.position - b.position);
  const limit = { reads: 0, most: reader.options.maxRepairReads ?? 20 + pages.length };
  for (let i = 0; i + 1 < pages.length; i++) {
    if (!joined(reader.list, pages[i], pages[i + 1])) await bridge(reader, pages[i], pages[i + 1], stride, limit);
  }
}

async function rereadMoved<T>(
  reader: JunctionReader<T>,
  reads: Array<Read<T>>,
  stride: number,
  total: number,
  pass: number,
): Promise<void> {
  const moved = (pass === 1 && reader.duplicates > 0) || reads.some((r) => r.total !== undefined && r.total !== total);
  if (!moved || pass > 2) return;
  reader.duplicates = 0;
  const again: Array<Read<T>> = [];
  let position = 0;
  let ended = false;
  await pool(
    reader.options.concurrency ?? PAGER_LIMITS.concurrency,
    () => {
      if (ended || position >= Math.max(total, ...reads.map((r) => r.position + r.length + 1))) return undefined;
      const p = position;
      position += stride;
      return async (signal) => {
        const r = await reader.read(p, signal, true);
        again.push(r);
        if (r.length < reader.size) ended = true;
      };
    },
    reader.options.signal,
  );
  return rereadMoved(reader, again, stride, again[0]?.total ?? total, pass + 1);
}

/**
 * Whether `b` (read after `a` in position) leaves no gap after `a`'s last item: it starts with that
 * item (pages overlap by one), or with an item before it in the list's order (so it holds it, or it
 * was deleted). A list with no order looks for the item among all of `b`'s.
 */
function joined<T>(list: PagedList<T>, a: Read<T>, b: Read<T>): boolean {
  if (a.lastId !== undefined && (b.firstId === a.lastId || b.ids?.includes(a.lastId))) return true;
  const compare = list.compare?.bind(list);
  return !!compare && b.first !== undefined && a.last !== undefined && compare(b.first, a.last) < 0;
}

/**
 * Re-reads the window between `a` and `b`: backs off from `b` one stride at a time until a page
 * joins `a`, then walks forward until a page joins `b`.
 */
async function bridge<T>(
  reader: JunctionReader<T>,
  a: Read<T>,
  b: Read<T>,
  stride: number,
  limit: { reads: number; most: number },
): Promise<void> {
  const signal = reader.options.signal ?? new AbortController().signal;
  let from = a;
  let position = Math.max(0, b.position - stride);
  for (;;) {
    if (++limit.reads > limit.most)
      throw new ReactionsError(
        'conflict',
        `The list kept changing while it was read (${limit.reads - 1} re-reads did not close a gap). The reactions found so far are kept; the list is partial. Try again later.`,
      );
    const w = await reader.read(position, signal, true);
    if (w.length === 0 && w.position === 0) return; // the list is empty now
    // the head of the list joins everything before it
    if (w.position > 0 && (w.length === 0 || !joined(reader.list, from, w))) {
      position = Math.max(0, w.position - stride);
      continue;
    }
    if (joined(reader.list, w, b) || w.length < reader.size) return;
    from = w;
    position = w.position + stride;
  }
}
