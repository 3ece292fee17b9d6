/**
 * The pager's ceilings (see pager.ts): pages per list, pages and items per listing, and the errors that
 * say which one stopped a listing.
 */
import { ReactionsError } from '../../errors';

/** Defaults of the ceilings. */
export const PAGER_LIMITS = {
  /** Pages of one list endpoint (1 000 000 items at 100 a page). */
  maxPagesPerList: 10_000,
  /** Pages of one listing, all lists together. */
  maxPagesPerListing: 300_000,
  /** Items of one listing, all lists together. */
  maxItemsPerListing: 5_000_000,
  /** Pages in flight per list. */
  concurrency: 8,
};

/** Pages and items one listing has read, against its ceilings: shared by every list of the listing. */
export class ListingBudget {
  pages = 0;
  items = 0;

  constructor(
    readonly maxPages = PAGER_LIMITS.maxPagesPerListing,
    readonly maxItems = PAGER_LIMITS.maxItemsPerListing,
  ) {}

  /** Counts one page read; throws `too-large` past a ceiling. */
  spend(items: number): void {
    this.pages++;
    this.items += items;
    if (this.pages > this.maxPages) throw ceiling(`${this.maxPages.toLocaleString('en')} pages`, 'one listing');
    if (this.items > this.maxItems) throw ceiling(`${this.maxItems.toLocaleString('en')} items`, 'one listing');
  }
}

export function ceiling(what: string, where: string): ReactionsError {
  return new ReactionsError(
    'too-large',
    `Stopped after ${what}, the most ${where} reads: the site claims more than this extension lists (or its pages never end). The reactions found so far are kept; the list is partial.`,
  );
}

export function loop(why: string, pages: number): ReactionsError {
  return new ReactionsError(
    'bad-response',
    `The site's pages do not end: ${why}. Stopped after ${pages} page(s); the reactions found so far are kept and the list is partial.`,
  );
}
