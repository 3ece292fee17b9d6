/**
 * What a list endpoint looks like to the pager (pager.ts) and its completeness checks (pagerChecks.ts):
 * pages, cursors, item identities, and how one list is read. Each service makes its lists (`PagedList`)
 * from its wire format: SelfCommunity items.ts, Tines items.ts.
 */
import type { TaskStream } from '../../async';
import type { PageSink } from '../../progress';
import type { ListingBudget } from './pagerLimits';

/** Where the page after this one is: a URL (SelfCommunity `next`) or a page number (Tines). */
export type Cursor = string | number;

/** What tells two items of a list apart. */
export type Identity = string | number;

/**
 * An item's identity from its id, and the item itself when it has none: a number as it is (no string per
 * item of a 100k-item list), a string of digits as that number (a server that sends `5` on one page and
 * `"5"` on the next names one item), any other id as text.
 */
export function identityOf(id: unknown, item: unknown): Identity {
  if (typeof id === 'number') return id;
  if (typeof id === 'string' && /^\d{1,15}$/.test(id)) return Number(id);
  return id === undefined || id === null ? JSON.stringify(item) : `#${String(id)}`;
}

export interface Page<T> {
  readonly items: T[];
  /** The page after this one as the server links it; undefined on the last page. */
  readonly next?: Cursor;
  /** How many pages the list has in all (this one included), when the server says. */
  readonly pages?: number;
  /** How many items the list has in all, when the server says (`count`). */
  readonly total?: number;
  /** The position (0-based item offset) of this page's first item, when it was read by position. */
  readonly position?: number;
  /**
   * The server says, explicitly, that no page follows this one (a null `next`): the list ended here when
   * this page was read, even when the page is full.
   */
  readonly end?: boolean;
}

/** How one list endpoint is read. */
export interface PagedList<T> {
  first(signal?: AbortSignal): Promise<Page<T>>;
  /**
   * The page whose first item is at `position` (0-based item offset, asked for only after `first`). A
   * list read by page number rounds it down to its page start and says so in `Page.position`.
   */
  at(position: number, signal?: AbortSignal): Promise<Page<T>>;
  /** The page a cursor points to. */
  follow(cursor: Cursor, signal?: AbortSignal): Promise<Page<T>>;
  /** True when `at` reads from any position (offset lists): pages then overlap. */
  readonly anyPosition?: boolean;
  /** The item's identity, for de-duplication and junction checks: a number where the API's ids are (no
   *  string per item of a 100k-item list). */
  identity?(item: T): Identity;
  /** The list's order: negative when `a` comes before `b`. */
  compare?(a: T, b: T): number;
  /** The part of an item `compare` reads: what the junction checks keep of a page's first and last items. */
  orderKey?(item: T): T;
}

export interface PagerOptions {
  signal?: AbortSignal;
  /** The listing's stream (kept for callers; pages are read by the pager's own bounded queue). */
  stream?: TaskStream<unknown>;
  /** The listing's ceilings; a list read on its own gets its own. */
  budget?: ListingBudget;
  /** Pages of this list in flight at once (default 8; the HTTP client bounds the whole account too). */
  concurrency?: number;
  /** Default `PAGER_LIMITS.maxPagesPerList`. */
  maxPages?: number;
  /** Re-reads allowed to repair broken junctions (default: 20 + the pages of the list). */
  maxRepairReads?: number;
  /** Told the list's size and each page read (see ScanProgress). */
  progress?: PageSink;
}
