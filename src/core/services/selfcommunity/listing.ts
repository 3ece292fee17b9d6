/**
 * Listing a SelfCommunity user's reactions. There is no "my votes" endpoint, so a listing scans
 * statuses, discussions and posts (newest first) and the comments and replies of each for `voted: true`.
 */
import { TaskStream, onceUntilFailure, whenComplete } from '../../async';
import { isReactionsError } from '../../errors';
import type { Query } from '../../http';
import {
  SELFCOMMUNITY_CONTRIBUTIONS,
  type ContributionType,
  type Reaction,
  type ReactionKind,
  type Target,
} from '../../model';
import type { ScanProgress } from '../../progress';
import type { Connection, Listing } from '../common/account';
import { ListingBudget, readPages } from '../common/pager';
import type { ReactionDelta, ScanCheckpoint } from '../service';
import {
  commentTarget,
  contributionKey,
  contributionTarget,
  kindOf,
  offsetList,
  readItem,
  toReaction,
  type ScItem,
  type ScReaction,
} from './items';

/** One pass over the community: its stream, its ceilings, who hears its progress. */
interface Pass {
  readonly stream: TaskStream<unknown>;
  readonly budget: ListingBudget;
  readonly progress?: ScanProgress;
}

/** Known reactions a refresh did not see that it reads one by one before dropping them. */
const MAX_CONFIRM = 200;

export class SelfCommunityListing implements Listing {
  checkpoint: ScanCheckpoint | undefined;
  /** The community's reactions, read once (again after a failure). */
  private readonly catalog = onceUntilFailure(async (signal?: AbortSignal) => {
    const kinds: ReactionKind[] = [];
    await readPages<ScReaction>(
      offsetList(this.c.http, '/api/v2/reaction/'),
      (items) => kinds.push(...items.filter((r) => r.active !== false).map(kindOf)),
      { signal },
    );
    return kinds;
  });

  constructor(private readonly c: Connection) {}

  reactionKinds(signal?: AbortSignal): Promise<ReactionKind[]> {
    return this.catalog(signal);
  }

  listReactions(signal?: AbortSignal, progress?: ScanProgress): AsyncIterable<Reaction[]> {
    const at = new Date().toISOString();
    const sentBefore = this.c.http.sent;
    const counts: Record<string, number> = {};
    const stream = new TaskStream<Reaction[]>(signal);
    const pass: Pass = { stream, budget: new ListingBudget(), progress };
    this.scanContributions(pass, (type, items) => {
      const found: Reaction[] = [];
      for (const item of items) {
        // Only contributions with comments are remembered (a missing key means none).
        if (item.comment_count) counts[contributionKey(type, item.id)] = item.comment_count;
        if (typeof item.comment_count === 'number') progress?.expect('comment', item.comment_count);
        // Most contributions are neither voted nor commented: no target (excerpt, link) for them.
        if (!item.voted && item.comment_count === 0) continue;
        const target = contributionTarget(this.c.account, type, item);
        if (item.voted) found.push(toReaction(this.c.account, target, item));
        if (item.comment_count !== 0) {
          const query = { [type]: String(item.id) };
          stream.spawn((s) => this.scanComments(pass, query, target, s, (f) => stream.push(f)));
        }
      }
      if (found.length) stream.push(found);
    });
    return whenComplete(stream, () => {
      this.checkpoint = { service: 'selfcommunity', at, data: { counts, cost: this.c.http.sent - sentBefore } };
      progress?.finish();
    });
  }

  /**
   * Re-lists the contributions (one request per 100: cheap) and re-reads comments only where a
   * contribution is new or its comment count changed. Sees: every vote added, changed or removed on
   * statuses, discussions and posts; comment votes on new or newly commented contributions; items
   * deleted. Does not see: a comment vote added, changed or removed elsewhere on a contribution whose
   * comment count did not change (Full Rescan does).
   *
   * Never drops a reaction that a read would still show: a known reaction this pass did not see is
   * read directly (batched on the listing's stream, at most `MAX_CONFIRM` of them) and dropped only when
   * that read shows it gone; when more are unseen, the contributions are listed once more instead and
   * only those unseen twice are read or dropped — unseen comment votes past the bound are kept.
   */
  refreshReactions(
    known: readonly Reaction[],
    since: ScanCheckpoint,
    signal?: AbortSignal,
    progress?: ScanProgress,
  ): AsyncIterable<ReactionDelta> {
    const before = (since.data?.counts ?? {}) as Record<string, number>;
    const at = new Date().toISOString();
    const counts: Record<string, number> = {};
    const found = new Set<string>();
    const relisted = new Set<string>();
    const stream = new TaskStream<ReactionDelta>(signal);
    const pass: Pass = { stream, budget: new ListingBudget(), progress };
    const cost = typeof since.data?.cost === 'number' ? since.data.cost : 0;
    const upsert = (reactions: Reaction[]) => {
      if (!reactions.length) return;
      for (const r of reactions) found.add(r.id);
      stream.push({ upsert: reactions, remove: [] });
    };
    // Known comment votes are cheap to re-read when few: a removal elsewhere on the contribution is seen too.
    const goneOnRecheck = new Set<string>();
    const knownComments = known.filter((r) => r.target.type === 'comment');
    if (knownComments.length && knownComments.length <= cost / 10) {
      for (const r of knownComments) {
        stream.spawn(async (s) => {
          const item = await readItem(this.c.http, r.target, s);
          if (!item || !item.voted) goneOnRecheck.add(r.id);
          else if (kindOf(item.reaction).id !== r.kind.id) upsert([{ ...r, kind: kindOf(item.reaction) }]);
          else found.add(r.id);
        });
      }
    }
    const contributionVotes = (type: ContributionType, items: ScItem[]) =>
      upsert(
        items
          .filter((item) => item.voted)
          .map((item) => toReaction(this.c.account, contributionTarget(this.c.account, type, item), item)),
      );
    this.scanContributions(pass, (type, items) => {
      contributionVotes(type, items);
      for (const item of items) {
        const key = contributionKey(type, item.id);
        const count = item.comment_count;
        if (count) counts[key] = count;
        const relist = count !== 0 && (count === undefined || (before[key] ?? 0) !== count);
        // The comments this pass reads: those of the contributions it re-lists.
        if (typeof count === 'number') progress?.expect('comment', relist ? count : 0);
        if (relist) {
          relisted.add(key);
          const target = contributionTarget(this.c.account, type, item);
          stream.spawn((s) => this.scanComments(pass, { [type]: String(item.id) }, target, s, upsert));
        }
      }
    });
    /** Known reactions this pass should have seen and did not. */
    const unseen = () =>
      known.filter((r) => {
        if (found.has(r.id) || goneOnRecheck.has(r.id)) return false;
        if (r.target.type !== 'comment') return true;
        const parent = r.target.parent && contributionKey(r.target.parent.type, r.target.parent.id);
        return !parent || relisted.has(parent) || !(parent in counts);
      });
    const c = this.c;
    const relist = () => {
      const again = new TaskStream<ReactionDelta>(signal);
      this.scanContributions({ stream: again, budget: pass.budget }, contributionVotes);
      return again;
    };
    const setCheckpoint = (checkpoint: ScanCheckpoint) => (this.checkpoint = checkpoint);
    return (async function* () {
      for await (const delta of stream) yield delta;
      let missing = unseen();
      if (missing.filter((r) => r.target.type !== 'comment').length > MAX_CONFIRM) {
        // Many unseen: list the contributions once more rather than read each one.
        c.http.logger.info(`refresh: ${missing.length} known reaction(s) not seen; listing the contributions again`);
        const again = relist();
        for await (const delta of again) yield delta;
        missing = unseen();
      }
      // Read each one still unseen (bounded): dropped only when the read shows it gone.
      const confirm = new TaskStream<ReactionDelta>(signal);
      const kept = missing.slice(MAX_CONFIRM);
      const remove = known.filter((r) => goneOnRecheck.has(r.id) && !found.has(r.id)).map((r) => r.id);
      for (const r of missing.slice(0, MAX_CONFIRM)) {
        confirm.spawn(async (s) => {
          const item = await readItem(c.http, r.target, s);
          if (!item || !item.voted) remove.push(r.id);
          else confirm.push({ upsert: [{ ...r, kind: kindOf(item.reaction) }], remove: [] });
        });
      }
      for await (const delta of confirm) yield delta;
      if (kept.length)
        c.http.logger.warn(`refresh: ${kept.length} unseen reaction(s) kept unconfirmed; Full Rescan checks them`);
      if (remove.length) yield { upsert: [], remove };
      setCheckpoint({ service: 'selfcommunity', at, data: { counts, cost } });
      progress?.finish();
    })();
  }

  /** Lists every contribution type concurrently, newest first, handing each page to `onPage`. */
  private scanContributions(pass: Pass, onPage: (type: ContributionType, items: ScItem[]) => void): void {
    const { stream, budget } = pass;
    for (const type of SELFCOMMUNITY_CONTRIBUTIONS) {
      const path = `/api/v2/${type}/`;
      const list = offsetList<ScItem>(this.c.http, path, { ordering: '-added_at' }, 'newest-first', true);
      const progress = pass.progress?.list(type);
      stream.spawn((signal) => readPages(list, (items) => onPage(type, items), { signal, stream, budget, progress }));
    }
  }

  private scanComments(
    pass: Pass,
    query: Query,
    contribution: Target,
    signal: AbortSignal,
    sink: (found: Reaction[]) => void,
  ): Promise<void> {
    const { stream, budget } = pass;
    const list = offsetList<ScItem>(this.c.http, '/api/v2/comment/', query, 'oldest-first');
    // The contribution's comment_count already declared these comments (replies included).
    const progress = pass.progress?.list('comment', false);
    const onItems = (items: ScItem[]) => {
      const found: Reaction[] = [];
      for (const item of items) {
        if (item.voted) found.push(toReaction(this.c.account, commentTarget(this.c.account, item, contribution), item));
        if (item.comment_count) {
          const replies = { parent: String(item.id) };
          stream.spawn((s) => this.scanComments(pass, replies, contribution, s, sink));
        }
      }
      if (found.length) sink(found);
    };
    return readPages(list, onItems, { signal, stream, budget, progress }).catch(async (e) => {
      // The contribution (or the comment replied to) was deleted while the scan ran: SelfCommunity
      // refuses the filter (400) or says 404. Gone means no comments to list; anything else is an error.
      if (!isReactionsError(e, 'client') && !isReactionsError(e, 'not-found')) throw e;
      const owner: Target =
        query.parent !== undefined ? { type: 'comment', id: String(query.parent), excerpt: '' } : contribution;
      if (await readItem(this.c.http, owner, signal)) throw e;
    });
  }
}
