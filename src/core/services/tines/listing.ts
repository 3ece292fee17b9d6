/**
 * Listing a Tines user's reactions. There is no "my reactions" endpoint: a listing scans cases and their
 * comments for reactions whose reactants include the account's user id.
 */
import { Semaphore, TaskStream, whenComplete } from '../../async';
import { WorkQueue } from '../../workQueue';
import type { Reaction, ReactionKind } from '../../model';
import type { PageSink, ScanProgress } from '../../progress';
import type { Connection, Listing } from '../common/account';
import { readPages } from '../common/pager';
import type { ReactionDelta, ScanCheckpoint } from '../service';
import {
  TINES_KINDS,
  commentsPath,
  myReactions,
  newestCaseFirst,
  pagedList,
  type TinesCase,
  type TinesComment,
} from './items';

/**
 * Cases in pages of the API's most (500), as comments are: pages of 100 brought the first results about
 * 0.3 of a round trip sooner (2.5 vs 2.8 round trips at 50 ms, 500 cases) but cost four more requests
 * per 500 cases, each a round trip on a real tenant's rate limit.
 */
const CASES_PER_PAGE = 500;
/** A refresh asks for cases updated a little before the last listing started: clocks differ. */
const CLOCK_SKEW_MS = 5 * 60_000;

export class TinesListing implements Listing {
  checkpoint: ScanCheckpoint | undefined;

  constructor(private readonly c: Connection) {}

  async reactionKinds(): Promise<ReactionKind[]> {
    return [...TINES_KINDS];
  }

  listReactions(signal?: AbortSignal, progress?: ScanProgress): AsyncIterable<Reaction[]> {
    const at = new Date().toISOString();
    const stream = new TaskStream<Reaction[]>(signal);
    this.scanCases(
      stream,
      { per_page: CASES_PER_PAGE },
      (c, pages, s) =>
        readPages(
          this.comments(c),
          (comments) => {
            const found = comments.flatMap((comment) => myReactions(this.c.account, c, comment));
            if (found.length) stream.push(found);
          },
          { signal: s, stream, progress: pages },
        ),
      progress,
    );
    return whenComplete(stream, () => {
      this.checkpoint = { service: 'tines', at };
      progress?.finish();
    });
  }

  /**
   * Only the cases updated since the checkpoint (`filters[updated_at_start_date]`, with a margin for
   * clock skew), then all comments of each: their reactions replace what was known for that case.
   * Adding or removing a reaction updates the case, so both are seen. Not seen: a case that was
   * deleted or that this key can no longer see (Full Rescan drops those).
   */
  refreshReactions(
    known: readonly Reaction[],
    since: ScanCheckpoint,
    signal?: AbortSignal,
    progress?: ScanProgress,
  ): AsyncIterable<ReactionDelta> {
    const at = new Date().toISOString();
    const from = new Date(Date.parse(since.at) - CLOCK_SKEW_MS).toISOString();
    const byCase = new Map<string, Reaction[]>();
    for (const r of known) {
      const caseId = r.target.parent?.id;
      if (caseId) byCase.set(caseId, [...(byCase.get(caseId) ?? []), r]);
    }
    const stream = new TaskStream<ReactionDelta>(signal);
    const query = { 'filters[updated_at_start_date]': from };
    this.scanCases(
      stream,
      query,
      async (c, pages, s) => {
        const found: Reaction[] = [];
        // One case's comments in order: its delta is pushed once, complete.
        await readPages(
          this.comments(c),
          (comments) => {
            for (const comment of comments) found.push(...myReactions(this.c.account, c, comment));
          },
          { signal: s, progress: pages },
        );
        const ids = new Set(found.map((r) => r.id));
        const gone = (byCase.get(String(c.case_id)) ?? []).filter((r) => !ids.has(r.id)).map((r) => r.id);
        if (found.length || gone.length) stream.push({ upsert: found, remove: gone });
      },
      progress,
    );
    return whenComplete(stream, () => {
      this.checkpoint = { service: 'tines', at };
      progress?.finish();
    });
  }

  /**
   * Lists the cases (as a task of the stream), reading each one's comments with `readCase` as the
   * case arrives, in the order of the cases page, at most a few cases more than requests can be in
   * flight at once (WorkQueue): the first comment reads leave as soon as the first page is parsed.
   */
  private scanCases(
    stream: TaskStream<unknown>,
    query: Record<string, string | number>,
    readCase: (c: TinesCase, pages: PageSink | undefined, signal: AbortSignal) => Promise<void>,
    progress: ScanProgress | undefined,
  ): void {
    // Progress plans each case's comment list as the case arrives, not when its read starts.
    type Queued = { c: TinesCase; pages: PageSink | undefined };
    const queue = new WorkQueue<Queued>(stream, 2 * this.c.http.options.maxConcurrency, (q, signal) =>
      readCase(q.c, q.pages, signal),
    );
    const add = (c: TinesCase) => queue.add({ c, pages: progress?.list('case_comment') });
    // The first page's cases, handed on while the page is parsed; the pager brings them again.
    const early = new Set<string>();
    const onFirstItems = (items: TinesCase[]) => {
      for (const c of items) {
        const id = String(c.case_id);
        if (early.has(id)) continue;
        early.add(id);
        add(c);
      }
    };
    const cases = pagedList<TinesCase>(this.c.http, '/api/v2/cases', 'cases', {
      query,
      compare: newestCaseFirst,
      // more pages of cases only while fewer than the HTTP client's read-ahead backlog wait for comments
      opensWork: { early: onFirstItems, room: (signal) => queue.room(Semaphore.AHEAD_BACKLOG, signal) },
    });
    const pages = progress?.list('case');
    const onPage = (page: TinesCase[]) => {
      for (const c of page) if (!early.delete(String(c.case_id))) add(c);
    };
    stream.spawn((signal) => readPages(cases, onPage, { signal, stream, progress: pages }));
  }

  private comments(c: TinesCase) {
    return pagedList<TinesComment>(this.c.http, commentsPath(c), 'comments');
  }
}
