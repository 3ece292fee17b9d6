/**
 * A live and a misbehaving server, on demand.
 *
 * Churn: every SelfCommunity contribution list request first deletes `deletes` contributions of that
 * type (anywhere in the list, chosen by a seeded PRNG) and adds `inserts` new ones at the head (alice
 * votes on a share of them): what a real community does while a scan of it takes minutes.
 *
 * Hostile modes (SelfCommunity contribution lists and Tines case lists):
 * - `hugeCount`: the list claims 1 000 000 000 items (with the real results; pages past them are empty);
 * - `nextLoop`: no count, and `next` points back to the page itself;
 * - `hugeBodyMegabytes`: the first page of statuses is padded to that size, sent chunked (no
 *   Content-Length) so only a cap on the stream stops it;
 * - `pathologicalText`: the newest status's html and summary are that many `<`;
 * - `nullReaction`: items say `voted: true, reaction: null` where the vote has a reaction (the item's
 *   vote list still names it).
 */
import { REACTIONS, type ScWorld } from './sc-data';
import { Rng, code } from './seed';
import type { Reply } from './server';
import { Ghosts } from './ghost';
import type { ChurnLog, ChurnOptions, GhostOptions, HostileOptions } from './types';

const HUGE = 1_000_000_000;

export class Modes {
  hostile: HostileOptions = {};
  readonly log: ChurnLog = { deleted: [], inserted: [] };
  private churn: ChurnOptions | undefined;
  private rng = Rng.of(1, code('churn'));
  private textCache: { n: number; text: string } | undefined;

  /** Ghost mode: removals that do not stick (ghost.ts). */
  readonly ghosts: Ghosts;

  constructor(churn?: ChurnOptions, hostile?: HostileOptions, ghost?: GhostOptions) {
    this.setChurn(churn);
    this.hostile = { ...hostile };
    this.ghosts = new Ghosts(ghost);
  }

  setChurn(churn: ChurnOptions | undefined): void {
    this.churn = churn && { ...churn };
    this.rng = Rng.of(churn?.seed ?? 1, code('churn'));
  }

  /** Deletions and insertions of one list request (before it is answered). */
  churnList(world: ScWorld, t: number): void {
    const c = this.churn;
    if (!c) return;
    const table = world.contributions[t];
    const type = (['status', 'discussion', 'post'] as const)[t];
    for (let k = 0; k < (c.deletes ?? 3); k++) {
      for (let attempt = 0; attempt < 20 && table.live > 0; attempt++) {
        const id = this.rng.int(1, table.count);
        if (!world.exists(t, id)) continue;
        world.delete(type, id);
        this.log.deleted.push({ type, id, time: Date.now() });
        break;
      }
    }
    for (let k = 0; k < (c.inserts ?? 1); k++) {
      const id = world.addItem(type);
      const voted = this.rng.chance(c.voteRate ?? 0.3);
      if (voted) world.setVote(type, id, 'alice', REACTIONS[this.rng.int(0, 5)].id);
      this.log.inserted.push({ type, id, time: Date.now(), voted });
    }
  }

  /** The text of the pathological item, built once. */
  pathological(): string | undefined {
    const n = this.hostile.pathologicalText;
    if (!n) return undefined;
    if (this.textCache?.n !== n) this.textCache = { n, text: '<'.repeat(n) };
    return this.textCache.text;
  }

  /** An SC list page as a hostile server sends it. */
  scList(reply: Reply, ctx: { url: URL }, next: (offset: number) => string, limit: number, offset: number): Reply {
    const json = reply.json as { count?: number; next?: string | null; results: unknown[] };
    const h = this.hostile;
    if (h.hugeCount) {
      json.count = HUGE;
      json.next = next(offset + limit);
    }
    if (h.nextLoop) {
      delete json.count;
      json.next = ctx.url.toString();
    }
    if (h.hugeBodyMegabytes && offset === 0 && ctx.url.pathname.endsWith('/status/'))
      return padded(json, h.hugeBodyMegabytes);
    return reply;
  }

  /** A Tines list's meta as a hostile server sends it. */
  tinesMeta(meta: Record<string, unknown>, page: number): void {
    const h = this.hostile;
    if (h.hugeCount) {
      meta.count = HUGE;
      meta.pages = HUGE / Math.max(1, Number(meta.per_page) || 1);
      meta.next_page_number = page + 1;
    }
    if (h.nextLoop) {
      delete meta.count;
      delete meta.pages;
      meta.next_page_number = page;
      meta.next_page = meta.current_page;
    }
  }
}

/** The page with a padding field that makes it `megabytes` long, streamed in 64 KB chunks. */
function padded(json: unknown, megabytes: number): Reply {
  const text = JSON.stringify(json);
  const chunk = 'x'.repeat(64 * 1024);
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    stream: { head: `${text.slice(0, -1)},"padding":"`, chunk, times: megabytes * 16, tail: '"}' },
  };
}
