/**
 * Listing a SelfCommunity user's reactions. There is no "my votes" endpoint, so a listing scans
 * statuses, discussions and posts (newest first) and the comments and replies of each for `voted: true`.
 */
import { TaskStream, whenComplete } from '../../async';
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
import { readPages } from '../common/pager';
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

export class SelfCommunityListing implements Listing {
  checkpoint: ScanCheckpoint | undefined;
  private catalog: Promise<ReactionKind[]> | undefined;

  constructor(private readonly c: Connection) {}

  reactionKinds(signal?: AbortSignal): Promise<ReactionKind[]> {
    this.catalog ??= (async () => {
      const kinds: ReactionKind[] = [];
      await readPages<ScReaction>(
        offsetList(this.c.http, '/api/v2/reaction/'),
        (items) => kinds.push(...items.filter((r) => r.active !== false).map(kindOf)),
        { signal },
      );
      return kinds;
    })().catch((e) => {
      this.catalog = undefined;
      throw e;
    });
    return this.catalog;
  }

  listReactions(signal?: AbortSignal, progress?: ScanProgress): AsyncIterable<Reaction[]> {
    const at = new Date().toISOString();
    const sentBefore = this.c.http.sent;
    const counts: Record<string, number> = {};
    const stream = new TaskStream<Reaction[]>(signal);
    this.scanContributions(
      stream,
      (type, items) => {
        const found: Reaction[] = [];
        for (const item of items) {
          const target = contributionTarget(this.c.account, type, item);
          if (item.voted) found.push(toReaction(this.c.account, target, item));
          // Only contributions with comments are remembered (a missing key means none).
          if (item.comment_count) counts[contributionKey(type, item.id)] = item.comment_count;
          if (typeof item.comment_count === 'number') progress?.expect('comment', item.comment_count);
          if (item.comment_count !== 0) {
            const sink = (f: Reaction[]) => stream.push(f);
            stream.spawn((s) => this.scanComments(stream, { [type]: String(item.id) }, target, s, sink, progress));
          }
        }
        if (found.length) stream.push(found);
      },
      progress,
    );
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
    /** Known comment votes re-read and found gone. */
    const goneOnRecheck = new Set<string>();
    const stream = new TaskStream<ReactionDelta>(signal);
    const knownComments = known.filter((r) => r.target.type === 'comment');
    const cost = typeof since.data?.cost === 'number' ? since.data.cost : 0;
    const upsert = (reactions: Reaction[]) => {
      if (!reactions.length) return;
      for (const r of reactions) found.add(r.id);
      stream.push({ upsert: reactions, remove: [] });
    };
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
    this.scanContributions(
      stream,
      (type, items) => {
        const voted: Reaction[] = [];
        for (const item of items) {
          const key = contributionKey(type, item.id);
          const target = contributionTarget(this.c.account, type, item);
          if (item.voted) voted.push(toReaction(this.c.account, target, item));
          const count = item.comment_count;
          if (count) counts[key] = count;
          const relist = count !== 0 && (count === undefined || (before[key] ?? 0) !== count);
          // The comments this pass reads: those of the contributions it re-lists.
          if (typeof count === 'number') progress?.expect('comment', relist ? count : 0);
          if (relist) {
            relisted.add(key);
            stream.spawn((s) => this.scanComments(stream, { [type]: String(item.id) }, target, s, upsert, progress));
          }
        }
        upsert(voted);
      },
      progress,
    );
    const setCheckpoint = (checkpoint: ScanCheckpoint) => (this.checkpoint = checkpoint);
    return (async function* () {
      for await (const delta of stream) yield delta;
      // Everything was listed: what is known but was not found again is gone.
      const remove = known
        .filter((r) => {
          if (goneOnRecheck.has(r.id)) return !found.has(r.id);
          if (found.has(r.id)) return false;
          if (r.target.type !== 'comment') return true;
          const parent = r.target.parent && contributionKey(r.target.parent.type, r.target.parent.id);
          return !parent || relisted.has(parent) || !(parent in counts);
        })
        .map((r) => r.id);
      if (remove.length) yield { upsert: [], remove };
      setCheckpoint({ service: 'selfcommunity', at, data: { counts, cost } });
      progress?.finish();
    })();
  }

  /** Lists every contribution type concurrently, newest first, handing each page to `onPage`. */
  private scanContributions(
    stream: TaskStream<unknown>,
    onPage: (type: ContributionType, items: ScItem[]) => void,
    progress: ScanProgress | undefined,
  ): void {
    for (const type of SELFCOMMUNITY_CONTRIBUTIONS) {
      const list = offsetList<ScItem>(this.c.http, `/api/v2/${type}/`, { ordering: '-added_at' });
      const sink = progress?.list(type);
      stream.spawn((signal) => readPages(list, (items) => onPage(type, items), { signal, stream, progress: sink }));
    }
  }

  private scanComments(
    stream: TaskStream<unknown>,
    query: Query,
    contribution: Target,
    signal: AbortSignal,
    sink: (found: Reaction[]) => void,
    progress: ScanProgress | undefined,
  ): Promise<void> {
    const list = offsetList<ScItem>(this.c.http, '/api/v2/comment/', query);
    // The contribution's comment_count already declared these comments (replies included).
    const pages = progress?.list('comment', false);
    const onItems = (items: ScItem[]) => {
      const found: Reaction[] = [];
      for (const item of items) {
        if (item.voted) found.push(toReaction(this.c.account, commentTarget(this.c.account, item, contribution), item));
        if (item.comment_count) {
          const replies = { parent: String(item.id) };
          stream.spawn((s) => this.scanComments(stream, replies, contribution, s, sink, progress));
        }
      }
      if (found.length) sink(found);
    };
    return readPages(list, onItems, { signal, stream, progress: pages });
  }
}
