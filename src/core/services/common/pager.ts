/**
 * The one pager both services use. A list endpoint is described by three reads (`PagedList`); the
 * pager reads the first page, then — when that page says how many pages there are — every other page
 * concurrently as tasks of the listing's stream (each request bounded by the client's limit), and
 * otherwise follows `next` one page at a time.
 *
 * Where later guarantees belong: the loop over `pages` is the one place to queue pages lazily (as slots
 * free up) and to cap pages per listing; the `next` loop is the one place to detect a link loop (a cursor
 * seen twice); a list that shifts while it is read is detected from what each `Page` reports.
 */
import type { TaskStream } from '../../async';

/** Where the page after this one is: a URL (SelfCommunity `next`) or a page number (Tines). */
export type Cursor = string | number;

export interface Page<T> {
  readonly items: T[];
  /** The page after this one as the server links it; undefined on the last page. */
  readonly next?: Cursor;
  /** How many pages the list has in all (this one included), when the server says. */
  readonly pages?: number;
  /** How many items the list has in all, when the server says (a first page's `count`). */
  readonly total?: number;
}

/** Hears how a list is read (progress reporting): its size once the first page told it, then each page. */
export interface PageSink {
  sized(pages: number | undefined, items: number | undefined): void;
  /** A page arrived with `items` items; `more`: it links a page after it. */
  page(items: number, more: boolean): void;
}

/** How one list endpoint is read. */
export interface PagedList<T> {
  first(signal?: AbortSignal): Promise<Page<T>>;
  /** Page `index` (0 is the first), read directly: asked for only when the first page told `pages`. */
  at(index: number, signal?: AbortSignal): Promise<Page<T>>;
  /** The page a cursor points to. */
  follow(cursor: Cursor, signal?: AbortSignal): Promise<Page<T>>;
}

export interface PagerOptions {
  signal?: AbortSignal;
  /** The listing's stream: with it the pages after the first are read concurrently, as its tasks. */
  stream?: TaskStream<unknown>;
  /** Told the list's size and each page read (see ScanProgress). */
  progress?: PageSink;
}

/** Reads every page of a list, handing each page's items to `onItems` as the page arrives. */
export async function readPages<T>(
  list: PagedList<T>,
  onItems: (items: T[]) => void,
  { signal, stream, progress }: PagerOptions = {},
): Promise<void> {
  const read = (page: Page<T>, more: boolean) => {
    progress?.page(page.items.length, more);
    onItems(page.items);
  };
  const first = await list.first(signal);
  const concurrent = first.pages !== undefined && !!stream;
  progress?.sized(concurrent ? first.pages : undefined, first.total);
  read(first, !concurrent && first.next !== undefined);
  if (concurrent) {
    for (let index = 1; index < first.pages!; index++) {
      stream!.spawn(async (s) => read(await list.at(index, s), false));
    }
    return;
  }
  for (let next = first.next; next !== undefined;) {
    const page = await list.follow(next, signal);
    read(page, page.next !== undefined);
    next = page.next;
  }
}
