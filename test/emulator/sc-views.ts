/**
 * SelfCommunity JSON, built per request from the compact state in sc-data.ts: contributions,
 * comments and vote lists as a given user sees them (`voted`, `reaction`), plus the raw view used by
 * the emulator's `sc.get()`.
 */
import { CONTRIBUTIONS, COMMENT, REACTIONS, TYPES, type ScWorld } from './sc-data';
import { hash, iso } from './seed';
import { slugify, summarize } from './text';
import type { ScRawItem, ScTypeName, ScVoteRecord } from './types';
import { USERS, scPerson } from './users';
import type { Modes } from './modes';

export class ScViews {
  constructor(
    private readonly w: ScWorld,
    private readonly modes?: Modes,
  ) {}

  reactionJson(base: string, idCode: number): Record<string, unknown> | null {
    const r = REACTIONS.find((x) => x.id === idCode);
    if (!r || !this.w.cfg.reactionsEnabled) return null;
    return {
      id: r.id,
      label: r.label,
      sentiment: r.sentiment,
      image: `${base}/static/reactions/${r.label.toLowerCase()}.svg`,
      active: r.active,
    };
  }

  authorJson(base: string, id: number): Record<string, unknown> {
    const p = scPerson(id);
    return {
      id,
      username: p.username,
      real_name: `${p.firstName} ${p.lastName}`,
      avatar: `${base}/static/avatars/${id}.png`,
    };
  }

  private voteFields(base: string, t: number, id: number, u: number | undefined): Record<string, unknown> {
    const voters = this.w.voters(t, id);
    const mine = u === undefined ? 0 : this.w.voteCode(t, id, u);
    const counts = new Map<number, number>();
    for (const v of voters) if (v.code > 0) counts.set(v.code, (counts.get(v.code) ?? 0) + 1);
    const reactions_count = this.w.cfg.reactionsEnabled
      ? [...counts.entries()]
          .sort((a, b) => b[1] - a[1] || a[0] - b[0])
          .map(([r, count]) => ({ count, reaction: this.reactionJson(base, r) }))
      : [];
    return {
      vote_count: voters.length,
      voted: mine !== 0,
      reaction: mine > 0 && !this.modes?.hostile.nullReaction ? this.reactionJson(base, mine) : null,
      reactions_count,
    };
  }

  contributionJson(base: string, t: number, id: number, u: number | undefined): Record<string, unknown> {
    const { html: seeded, title } = this.w.text(t, id);
    const hostile = t === 0 && id === this.w.contributions[0].count ? this.modes?.pathological() : undefined;
    const html = hostile ?? seeded;
    const comments = this.w.allComments(t, id);
    const added = this.w.time(t, id);
    const last = comments.reduce((m, c) => Math.max(m, this.w.time(COMMENT, c)), added);
    const out: Record<string, unknown> = {
      id,
      type: TYPES[t],
      added_at: iso(added),
      last_activity_at: iso(last),
      author: this.authorJson(base, this.w.authorId(t, id)),
    };
    if (title !== undefined) Object.assign(out, { title, slug: slugify(title) });
    Object.assign(out, {
      html,
      summary: hostile ?? summarize(html),
      comment_count: comments.length,
      ...this.voteFields(base, t, id, u),
      view_count: 3 + (hash(this.w.cfg.seed, 99, t, id) % 400),
      categories: [],
      medias: [],
      collapsed: false,
      deleted: false,
    });
    return out;
  }

  commentJson(base: string, id: number, u: number | undefined): Record<string, unknown> {
    const cm = this.w.comments;
    const { html } = this.w.text(COMMENT, id);
    const parent = cm.parent.get(id);
    const contribution: Record<string, number | null> = { discussion: null, status: null, post: null };
    contribution[CONTRIBUTIONS[cm.ctype.get(id)]] = cm.cid.get(id);
    return {
      id,
      type: 'comment',
      added_at: iso(this.w.time(COMMENT, id)),
      author: this.authorJson(base, this.w.authorId(COMMENT, id)),
      html,
      summary: summarize(html),
      ...contribution,
      parent: parent === 0 ? null : parent,
      comment_count: parent === 0 ? this.w.replies(id).length : 0,
      ...this.voteFields(base, COMMENT, id, u),
      collapsed: false,
      deleted: false,
    };
  }

  itemJson(base: string, t: number, id: number, u: number | undefined): Record<string, unknown> {
    return t < COMMENT ? this.contributionJson(base, t, id, u) : this.commentJson(base, id, u);
  }

  /** The votes on one item, newest first, optionally only those with one reaction. */
  voteListJson(base: string, t: number, id: number, reaction?: number): Array<Record<string, unknown>> {
    return this.w
      .voters(t, id)
      .filter((v) => reaction === undefined || v.code === reaction)
      .sort((a, b) => b.at - a.at)
      .map((v) => {
        const p = scPerson(v.userId);
        return {
          user: { id: v.userId, username: p.username, real_name: `${p.firstName} ${p.lastName}` },
          reaction: v.code > 0 ? this.reactionJson(base, v.code) : null,
          voted_at: iso(v.at),
        };
      });
  }

  /** The stored state of one item, as no particular user sees it (for test assertions). */
  raw(type: ScTypeName, idIn: number | string): ScRawItem | undefined {
    const { t, id } = this.w.ref(type, idIn);
    if (!this.w.exists(t, id)) return undefined;
    const base = 'http://emulator.invalid';
    const json = this.itemJson(base, t, id, undefined);
    const votes: ScVoteRecord[] = this.w.voters(t, id).map((v) => ({
      user: USERS.find((x) => x.scUserId === v.userId)?.name ?? scPerson(v.userId).username,
      userId: v.userId,
      reactionId: v.code > 0 ? v.code : null,
      votedAt: iso(v.at),
    }));
    const author = json.author as { id: number; username: string; real_name: string };
    const item: ScRawItem = {
      type: TYPES[t],
      id,
      added_at: json.added_at as string,
      author: { id: author.id, username: author.username, real_name: author.real_name },
      html: json.html as string,
      summary: json.summary as string,
      comment_count: json.comment_count as number,
      votes,
    };
    if (typeof json.title === 'string') Object.assign(item, { title: json.title, slug: json.slug });
    if (t === COMMENT) {
      item.contribution = { type: CONTRIBUTIONS[this.w.comments.ctype.get(id)], id: this.w.comments.cid.get(id) };
      item.parent = (json.parent as number | null) ?? null;
    }
    return item;
  }
}
