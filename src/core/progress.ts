/**
 * How far a listing is. The listing tells a `ScanProgress` what it learns as pages arrive: how many items
 * a list holds (a first page's `count`, a contribution's `comment_count`), each request planned and done,
 * the reactions found. From that it derives, per source and in all:
 *
 * - items scanned of items known to exist (what the tooltip shows per type);
 * - requests done of an estimated total: the requests planned so far (a sized list plans all its pages),
 *   plus, for lists not discovered yet (comments of contributions not read yet, reply lists), an
 *   extrapolation from what was seen: comment requests per contribution read, or per comment known;
 * - a percent that never goes back and reaches 100 only when the listing ended (`finish`);
 * - the time left: remaining requests at the request rate observed (smoothed over ~1 s windows), or
 *   "estimating" until there are enough samples and the estimated total has settled.
 *
 * Plain data and arithmetic; the clock is injectable. No `vscode` here: the UI renders `snapshot()`.
 */

/** Hears how a list is read (progress reporting): its size once the first page told it, then each page. */
export interface PageSink {
  sized(pages: number | undefined, items: number | undefined): void;
  /** A page arrived with `items` items; `more`: it links a page after it. */
  page(items: number, more: boolean): void;
}

/** Where items come from: SelfCommunity contributions by type and their comments; Tines cases and comments. */
export type SourceId = 'status' | 'discussion' | 'post' | 'comment' | 'case' | 'case_comment';

/** Whose items open the lists of a source (its comment lists hang off those items). */
const PARENTS: Partial<Record<SourceId, readonly SourceId[]>> = {
  comment: ['status', 'discussion', 'post'],
  case_comment: ['case'],
};

/**
 * Why a listing's result is incomplete. `cancelled`: the person stopped it. Other reasons (a page cap, a
 * link loop, …) are added where the pager detects them; `detail` says it in words.
 */
export type PartialReason = 'cancelled' | (string & {});

export interface PartialListing {
  readonly reason: PartialReason;
  readonly detail?: string;
  readonly at: Date;
}

export interface SourceProgress {
  readonly source: SourceId;
  /** Items read so far. */
  readonly scanned: number;
  /** Items known to exist (counted by the server); at least `scanned`. */
  readonly known: number;
  readonly requestsDone: number;
  readonly requestsPlanned: number;
}

export interface ProgressSnapshot {
  readonly sources: readonly SourceProgress[];
  readonly found: number;
  readonly requestsDone: number;
  /** Requests planned so far (a lower bound of the total). */
  readonly requestsPlanned: number;
  /** The estimated total (planned + extrapolated), at least `requestsPlanned`. */
  readonly requestsEstimated: number;
  /** 0–100, never decreasing; 100 only once the listing finished. */
  readonly percent: number;
  /** Estimated milliseconds left, or undefined while estimating. */
  readonly remainingMs: number | undefined;
  readonly done: boolean;
  readonly elapsedMs: number;
}

interface Counter {
  scanned: number;
  known: number;
  /** Parent items whose number of items here was declared (`expect`, or a sized list). */
  declaredUnits: number;
  planned: number;
  done: number;
}

/** Rate samples are taken over windows of at least this long. */
const WINDOW_MS = 500;
/** Weight of the newest window in the smoothed rate. */
const ALPHA = 0.3;
/** Windows needed before the time left is shown. */
const MIN_WINDOWS = 3;
/** The estimated total must not have moved by more than this over the last window. */
const SETTLED = 0.1;
/** Requests done before a per-item ratio is trusted over a per-parent one. */
const MIN_RATIO_SAMPLE = 10;

export class ScanProgress {
  private readonly counters = new Map<SourceId, Counter>();
  private found = 0;
  private percentShown = 0;
  private finished = false;
  private readonly started: number;
  private windowStart: number;
  private windowDone = 0;
  private rate: number | undefined;
  private windows = 0;
  private estimateAtWindow = 0;
  private settled = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {
    this.started = this.windowStart = now();
  }

  /** Called (synchronously) after every change; keep it cheap or throttle it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A list of `source` is about to be read: one request planned. `declares`: the list's own count says
   * how many items the source has (false when a parent item already declared them, e.g. a contribution's
   * `comment_count`, which covers its comments and replies).
   */
  list(source: SourceId, declares = true): PageSink {
    const c = this.counter(source);
    c.planned++;
    let sized = false;
    this.changed();
    return {
      sized: (pages, items) => {
        if (sized) return;
        sized = true;
        if (pages !== undefined && pages > 1) c.planned += pages - 1;
        if (declares && items !== undefined) {
          c.known += items;
          c.declaredUnits++;
        }
        this.changed();
      },
      page: (items, more) => {
        c.done++;
        c.scanned += items;
        if (more && !sized) c.planned++;
        this.tick();
        this.changed();
      },
    };
  }

  /** A parent item says `items` of `source` exist under it (a contribution's `comment_count`). */
  expect(source: SourceId, items: number): void {
    const c = this.counter(source);
    c.known += items;
    c.declaredUnits++;
  }

  /** Reactions found so far. */
  addFound(n: number): void {
    if (n <= 0) return;
    this.found += n;
    this.changed();
  }

  /** The listing ran to its end: 100%. */
  finish(): void {
    this.finished = true;
    this.changed();
  }

  get isFinished(): boolean {
    return this.finished;
  }

  snapshot(): ProgressSnapshot {
    const sources = [...this.counters].map(([source, c]) => ({
      source,
      scanned: c.scanned,
      known: Math.max(c.known, c.scanned),
      requestsDone: c.done,
      requestsPlanned: c.planned,
    }));
    const done = sum(sources.map((s) => s.requestsDone));
    const planned = sum(sources.map((s) => s.requestsPlanned));
    const estimated = this.estimatedRequests();
    return {
      sources,
      found: this.found,
      requestsDone: done,
      requestsPlanned: planned,
      requestsEstimated: estimated,
      percent: this.percent(done, estimated),
      remainingMs: this.remaining(done, estimated),
      done: this.finished,
      elapsedMs: this.now() - this.started,
    };
  }

  private percent(done: number, estimated: number): number {
    if (this.finished) return (this.percentShown = 100);
    const raw = estimated > 0 ? Math.floor((100 * done) / estimated) : 0;
    this.percentShown = Math.max(this.percentShown, Math.min(99, raw));
    return this.percentShown;
  }

  private remaining(done: number, estimated: number): number | undefined {
    if (this.finished) return 0;
    if (!this.settled || !this.rate) return undefined;
    return (Math.max(0, estimated - done) / this.rate) * 1000;
  }

  /** Items a source is expected to have in the end: what is known, extrapolated over undeclared parents. */
  private expectedItems(source: SourceId): number {
    const c = this.counter(source);
    const known = Math.max(c.known, c.scanned);
    const parents = PARENTS[source];
    if (!parents || c.declaredUnits === 0) return known;
    const parentItems = sum(parents.map((p) => this.expectedItems(p)));
    const undeclared = Math.max(0, parentItems - c.declaredUnits);
    return known + undeclared * (c.known / c.declaredUnits);
  }

  /** The total number of requests the listing is expected to send. */
  private estimatedRequests(): number {
    let total = 0;
    for (const [source, c] of this.counters) {
      let estimate = c.planned;
      const parents = PARENTS[source];
      if (parents) {
        const parentScanned = sum(parents.map((p) => this.counter(p).scanned));
        const parentItems = sum(parents.map((p) => this.expectedItems(p)));
        // Lists opened per parent item read so far, over every parent item.
        if (parentScanned > 0) estimate = Math.max(estimate, (c.planned * parentItems) / parentScanned);
        // Once enough of this source was read: requests per item, over every item expected.
        if (c.done >= MIN_RATIO_SAMPLE && c.scanned > 0)
          estimate = Math.max(c.planned, (this.expectedItems(source) * c.done) / c.scanned);
      }
      total += estimate;
    }
    return Math.ceil(total);
  }

  /** Closes a rate window when it is long enough; decides whether the estimate has settled. */
  private tick(): void {
    const now = this.now();
    this.windowDone++;
    const span = now - this.windowStart;
    if (span < WINDOW_MS) return;
    const sample = (this.windowDone * 1000) / span;
    this.rate = this.rate === undefined ? sample : ALPHA * sample + (1 - ALPHA) * this.rate;
    this.windows++;
    const estimate = this.estimatedRequests();
    const moved = this.estimateAtWindow > 0 ? Math.abs(estimate - this.estimateAtWindow) / this.estimateAtWindow : 1;
    this.settled = this.windows >= MIN_WINDOWS && (this.settled || moved <= SETTLED);
    this.estimateAtWindow = estimate;
    this.windowStart = now;
    this.windowDone = 0;
  }

  private counter(source: SourceId): Counter {
    let c = this.counters.get(source);
    if (!c) this.counters.set(source, (c = { scanned: 0, known: 0, declaredUnits: 0, planned: 0, done: 0 }));
    return c;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
