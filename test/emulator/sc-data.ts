/**
 * SelfCommunity state. Compact on purpose (100 000 statuses start in well under a second): the
 * structure and the votes live in typed columns indexed by id, and everything else (text, authors,
 * dates, other members' votes) is derived from the seed when a response is built.
 *
 * Vote codes in the columns: 0 = not voted, -1 = voted without a reaction, r > 0 = reaction id r.
 */
import { Column, ExactSampler, Rng, code, hash, unit } from './seed';
import { communityHtml, discussionTitle } from './text';
import type { EmulatorOptions, ScAddFields, ScContributionType, ScType, ScTypeName, UserName } from './types';
import { SC_MEMBERS, SC_OTHERS, USERS, userIndex } from './users';

export const CONTRIBUTIONS: readonly ScContributionType[] = ['status', 'discussion', 'post'];
export const TYPES: readonly ScType[] = [...CONTRIBUTIONS, 'comment'];
export const COMMENT = 3;

export interface ScReactionDef {
  id: number;
  label: string;
  sentiment: 'positive' | 'neutral' | 'negative';
  active: boolean;
  /** How often seeded votes use it. */
  weight: number;
}

/** The reaction catalog: id 1 is the default; "Angry" is inactive but still on some of alice's votes. */
export const REACTIONS: readonly ScReactionDef[] = [
  { id: 1, label: 'Like', sentiment: 'positive', active: true, weight: 40 },
  { id: 2, label: 'Love', sentiment: 'positive', active: true, weight: 15 },
  { id: 3, label: 'Haha', sentiment: 'positive', active: true, weight: 9 },
  { id: 4, label: 'Wow', sentiment: 'neutral', active: true, weight: 8 },
  { id: 5, label: 'Sad', sentiment: 'negative', active: true, weight: 6 },
  { id: 6, label: 'Celebrate', sentiment: 'positive', active: true, weight: 12 },
  { id: 7, label: 'Angry', sentiment: 'negative', active: false, weight: 10 },
];
const WEIGHTS = REACTIONS.map((r) => r.weight);

export interface ScConfig {
  seed: number;
  statuses: number;
  discussions: number;
  posts: number;
  commentsPerItem: number;
  replyRate: number;
  voteRate: number;
  reactionsEnabled: boolean;
  maxLimit: number;
}

export function scConfig(seed: number, o: EmulatorOptions['sc'] = {}): ScConfig {
  const count = (v: number | undefined, d: number) => Math.max(0, Math.floor(v ?? d));
  const rate = (v: number | undefined, d: number) => Math.min(1, Math.max(0, v ?? d));
  return {
    seed,
    statuses: count(o.statuses, 30),
    discussions: count(o.discussions, 20),
    posts: count(o.posts, 10),
    commentsPerItem: Math.max(0, o.commentsPerItem ?? 3),
    replyRate: rate(o.replyRate, 0.4),
    voteRate: rate(o.voteRate, 0.45),
    reactionsEnabled: o.reactionsEnabled ?? true,
    maxLimit: Math.max(1, Math.floor(o.maxLimit ?? 100)),
  };
}

/** The newest seeded contribution is this old; seeded data spans a year before it. */
const END = Date.UTC(2025, 5, 2, 9, 30);
const SPAN = 365 * 24 * 3600e3;
const MIN = 60e3;
const SALT = {
  text: code('text'),
  time: code('time'),
  author: code('author'),
  votedAt: code('voted-at'),
  others: code('others'),
  otherVoter: code('other-voter'),
};

interface Added {
  time: number;
  html?: string;
  title?: string;
  authorId?: number;
}

/** Ids in descending or ascending order, skipping deleted ones, without materialising the list. */
class IdSpace {
  count = 0;
  readonly deleted = new Set<number>();
  private sorted: number[] | undefined;

  delete(id: number): void {
    this.deleted.add(id);
    this.sorted = undefined;
  }

  get live(): number {
    return this.count - this.deleted.size;
  }

  /** The k-th live id (0-based) in the given order. */
  private nth(k: number, descending: boolean): number {
    this.sorted ??= [...this.deleted].sort((a, b) => a - b);
    if (descending) {
      let cand = this.count - k;
      for (let i = this.sorted.length - 1; i >= 0 && this.sorted[i] >= cand; i--) cand--;
      return cand;
    }
    let cand = 1 + k;
    for (let i = 0; i < this.sorted.length && this.sorted[i] <= cand; i++) cand++;
    return cand;
  }

  page(offset: number, limit: number, descending: boolean): number[] {
    const out: number[] = [];
    if (offset >= this.live) return out;
    let id = this.nth(offset, descending);
    const step = descending ? -1 : 1;
    while (out.length < limit && id >= 1 && id <= this.count) {
      if (!this.deleted.has(id)) out.push(id);
      id += step;
    }
    return out;
  }
}

class Contributions extends IdSpace {
  readonly votes = [new Column(), new Column(), new Column()];
  readonly firstComment = new Column();
  readonly nTop = new Column();
  readonly extraTop = new Map<number, number[]>();
  readonly added = new Map<number, Added>();
  readonly gap: number;

  constructor(
    readonly t: number,
    readonly n0: number,
  ) {
    super();
    this.gap = SPAN / Math.max(1, n0);
    for (const c of [...this.votes, this.firstComment, this.nTop]) c.push(0); // index = id
  }

  push(): number {
    for (const c of [...this.votes, this.firstComment, this.nTop]) c.push(0);
    return ++this.count;
  }
}

class Comments extends IdSpace {
  readonly votes = [new Column(), new Column(), new Column()];
  readonly ctype = new Column();
  readonly cid = new Column();
  readonly parent = new Column();
  readonly firstReply = new Column();
  readonly nReplies = new Column();
  readonly extraReplies = new Map<number, number[]>();
  readonly added = new Map<number, Added>();

  private get columns(): Column[] {
    return [...this.votes, this.ctype, this.cid, this.parent, this.firstReply, this.nReplies];
  }

  constructor() {
    super();
    for (const c of this.columns) c.push(0);
  }

  push(t: number, contribution: number, parent: number): number {
    const id = ++this.count;
    for (const c of this.columns) c.push(0);
    this.ctype.set(id, t);
    this.cid.set(id, contribution);
    this.parent.set(id, parent);
    return id;
  }
}

interface Voter {
  userId: number;
  /** Vote code (see the file comment). */
  code: number;
  at: number;
}

export class ScWorld {
  readonly contributions: Contributions[];
  readonly comments = new Comments();
  private readonly votedAt = new Map<string, number>();

  constructor(readonly cfg: ScConfig) {
    const sizes = [cfg.statuses, cfg.discussions, cfg.posts];
    this.contributions = sizes.map((n, t) => new Contributions(t, n));
    this.generate(sizes);
  }

  // ---- generation --------------------------------------------------------------------------------

  private generate(sizes: number[]): void {
    const { seed, commentsPerItem: c, replyRate } = this.cfg;
    const rng = Rng.of(seed, code('sc-structure'));
    const maxTop = Math.round(2 * c);
    for (let t = 0; t < 3; t++) {
      const table = this.contributions[t];
      for (let i = 0; i < sizes[t]; i++) {
        const id = table.push();
        const nTop = maxTop > 0 ? rng.int(0, maxTop) : 0;
        if (nTop === 0) continue;
        const first = this.comments.count + 1;
        table.firstComment.set(id, first);
        table.nTop.set(id, nTop);
        for (let j = 0; j < nTop; j++) this.comments.push(t, id, 0);
        for (let j = 0; j < nTop; j++) {
          const n = rng.chance(replyRate) ? rng.int(1, 3) : 0;
          if (n === 0) continue;
          this.comments.firstReply.set(first + j, this.comments.count + 1);
          this.comments.nReplies.set(first + j, n);
          for (let k = 0; k < n; k++) this.comments.push(t, id, first + j);
        }
      }
    }
    const votes = Rng.of(seed, code('sc-votes'));
    for (const table of this.contributions) this.seedVotes(votes, table.votes, table.count, this.cfg.voteRate);
    this.seedVotes(votes, this.comments.votes, this.comments.count, this.cfg.voteRate * 0.6);
  }

  /** alice votes on exactly round(n × rate) items; bob and carol mostly where alice did too. */
  private seedVotes(rng: Rng, columns: Column[], n: number, rate: number): void {
    const alice = new ExactSampler(rng, n, Math.round(n * rate));
    const scale = Math.min(1, rate / 0.45);
    for (let id = 1; id <= n; id++) {
      const a = alice.take();
      const voted = [a, rng.chance((a ? 0.6 : 0.15) * scale), rng.chance((a ? 0.45 : 0.12) * scale)];
      for (let u = 0; u < 3; u++)
        if (voted[u]) columns[u].set(id, this.cfg.reactionsEnabled ? REACTIONS[rng.weighted(WEIGHTS)].id : -1);
    }
  }

  // ---- lookups -----------------------------------------------------------------------------------

  typeIndex(type: string): number {
    return TYPES.indexOf(type as ScType);
  }

  exists(t: number, id: number): boolean {
    if (!Number.isInteger(id) || id < 1) return false;
    if (t < COMMENT) {
      const table = this.contributions[t];
      return !!table && id <= table.count && !table.deleted.has(id);
    }
    const cm = this.comments;
    if (t !== COMMENT || id > cm.count || cm.deleted.has(id)) return false;
    const parent = cm.parent.get(id);
    return this.exists(cm.ctype.get(id), cm.cid.get(id)) && (parent === 0 || !cm.deleted.has(parent));
  }

  private votesOfItem(t: number): Column[] {
    return t < COMMENT ? this.contributions[t].votes : this.comments.votes;
  }

  voteCode(t: number, id: number, u: number): number {
    return this.votesOfItem(t)[u].get(id);
  }

  setVoteCode(t: number, id: number, u: number, value: number): void {
    this.votesOfItem(t)[u].set(id, value);
    if (value !== 0) this.votedAt.set(`${t}:${id}:${u}`, Date.now());
    else this.votedAt.delete(`${t}:${id}:${u}`);
  }

  time(t: number, id: number): number {
    const { seed } = this.cfg;
    if (t < COMMENT) {
      const table = this.contributions[t];
      const added = table.added.get(id);
      if (added) return added.time;
      return END - (table.n0 - id + unit(seed, SALT.time, t, id) * 0.9) * table.gap;
    }
    const cm = this.comments;
    const added = cm.added.get(id);
    if (added) return added.time;
    const parent = cm.parent.get(id);
    if (parent === 0) {
      const ct = cm.ctype.get(id);
      const j = id - this.contributions[ct].firstComment.get(cm.cid.get(id));
      return this.time(ct, cm.cid.get(id)) + ((j + 1) * 40 + unit(seed, SALT.time, COMMENT, id) * 30) * MIN;
    }
    const k = id - cm.firstReply.get(parent);
    return this.time(COMMENT, parent) + ((k + 1) * 12 + unit(seed, SALT.time, COMMENT, id) * 10) * MIN;
  }

  authorId(t: number, id: number): number {
    const added = (t < COMMENT ? this.contributions[t].added : this.comments.added).get(id);
    if (added?.authorId) return added.authorId;
    return 1 + (hash(this.cfg.seed, SALT.author, t, id) % SC_MEMBERS);
  }

  text(t: number, id: number): { html: string; title?: string } {
    const added = (t < COMMENT ? this.contributions[t].added : this.comments.added).get(id);
    const r = Rng.of(this.cfg.seed, SALT.text, t, id);
    const title = t === 1 ? (added?.title ?? discussionTitle(r)) : undefined;
    const html = added?.html ?? communityHtml(r, TYPES[t]);
    return title === undefined ? { html } : { html, title };
  }

  /** Visible top-level comments of a contribution, oldest first. */
  topComments(t: number, id: number): number[] {
    const table = this.contributions[t];
    const first = table.firstComment.get(id);
    const ids: number[] = [];
    for (let i = 0; i < table.nTop.get(id); i++) ids.push(first + i);
    ids.push(...(table.extraTop.get(id) ?? []));
    return ids.filter((c) => !this.comments.deleted.has(c));
  }

  /** Visible replies of a comment, oldest first. */
  replies(cid: number): number[] {
    const cm = this.comments;
    const first = cm.firstReply.get(cid);
    const ids: number[] = [];
    for (let i = 0; i < cm.nReplies.get(cid); i++) ids.push(first + i);
    ids.push(...(cm.extraReplies.get(cid) ?? []));
    return ids.filter((c) => !cm.deleted.has(c));
  }

  /** All visible comments of a contribution (top-level and replies). */
  allComments(t: number, id: number): number[] {
    return this.topComments(t, id).flatMap((c) => [c, ...this.replies(c)]);
  }

  /** Everyone's votes on an item: the three users, then other members (derived from the seed). */
  voters(t: number, id: number): Voter[] {
    const { seed, reactionsEnabled } = this.cfg;
    const out: Voter[] = [];
    const base = this.time(t, id);
    for (let u = 0; u < 3; u++) {
      const c = this.voteCode(t, id, u);
      if (c !== 0)
        out.push({
          userId: USERS[u].scUserId,
          code: c,
          at: this.votedAt.get(`${t}:${id}:${u}`) ?? base + (1 + unit(seed, SALT.votedAt, t, id, u) * 2880) * MIN,
        });
    }
    const fresh = (t < COMMENT ? this.contributions[t].added : this.comments.added).has(id);
    const others = fresh ? 0 : Math.floor(unit(seed, SALT.others, t, id) ** 2 * 7); // items added at run time start with no votes
    const start = hash(seed, SALT.otherVoter, t, id);
    const step = 1 + (start % (SC_OTHERS.length - 1));
    for (let k = 0; k < others; k++) {
      const r = Rng.of(seed, SALT.otherVoter, t, id, k);
      out.push({
        userId: SC_OTHERS[(start + k * step) % SC_OTHERS.length],
        code: reactionsEnabled ? REACTIONS[r.weighted(WEIGHTS)].id : -1,
        at: base + (1 + r.next() * 4000) * MIN,
      });
    }
    return out;
  }

  // ---- the emulator's state API ------------------------------------------------------------------

  ref(type: ScTypeName, id: number | string): { t: number; id: number } {
    const t = this.typeIndex(type);
    if (t < 0) throw new Error(`unknown SelfCommunity type "${type}"`);
    return { t, id: Number(id) };
  }

  voteOf(type: ScTypeName, idIn: number | string, user: UserName): { reactionId: number | null } | undefined {
    const { t, id } = this.ref(type, idIn);
    if (!this.exists(t, id)) return undefined;
    const c = this.voteCode(t, id, userIndex(user));
    return c === 0 ? undefined : { reactionId: c > 0 ? c : null };
  }

  setVote(type: ScTypeName, idIn: number | string, user: UserName, reactionId: number | null | undefined): void {
    const { t, id } = this.ref(type, idIn);
    if (!this.exists(t, id)) throw new Error(`no ${type} ${idIn}`);
    if (reactionId !== undefined && reactionId !== null && !REACTIONS.some((r) => r.id === reactionId))
      throw new Error(`unknown reaction ${reactionId}`);
    this.setVoteCode(t, id, userIndex(user), reactionId === undefined ? 0 : reactionId === null ? -1 : reactionId);
  }

  delete(type: ScTypeName, idIn: number | string): void {
    const { t, id } = this.ref(type, idIn);
    if (t < COMMENT) {
      if (id >= 1 && id <= this.contributions[t].count) this.contributions[t].delete(id);
    } else if (id >= 1 && id <= this.comments.count) this.comments.delete(id);
  }

  votesOf(user: UserName): Array<{ type: ScType; id: number; reactionId: number | null }> {
    const u = userIndex(user);
    const out: Array<{ type: ScType; id: number; reactionId: number | null }> = [];
    for (let t = 0; t < TYPES.length; t++) {
      const count = t < COMMENT ? this.contributions[t].count : this.comments.count;
      const col = this.votesOfItem(t)[u];
      for (let id = 1; id <= count; id++) {
        const c = col.get(id);
        if (c !== 0 && this.exists(t, id)) out.push({ type: TYPES[t], id, reactionId: c > 0 ? c : null });
      }
    }
    return out;
  }

  addItem(type: ScTypeName, fields: ScAddFields = {}): number {
    const t = this.typeIndex(type);
    if (t < 0) throw new Error(`unknown SelfCommunity type "${type}"`);
    const extra = { html: fields.html, title: fields.title, authorId: fields.authorId };
    if (t < COMMENT) {
      const table = this.contributions[t];
      const latest = table.count > 0 ? this.time(t, table.count) : 0;
      const id = table.push();
      table.added.set(id, { time: Math.max(Date.now(), latest + 1000), ...extra });
      return id;
    }
    let ct: number;
    let cid: number;
    const parent = fields.parent ?? 0;
    if (parent) {
      if (!this.exists(COMMENT, parent) || this.comments.parent.get(parent) !== 0)
        throw new Error(`no top-level comment ${parent} to reply to`);
      ct = this.comments.ctype.get(parent);
      cid = this.comments.cid.get(parent);
    } else {
      const given = CONTRIBUTIONS.map((c, i) => [i, fields[c]] as const).filter(([, v]) => v !== undefined);
      if (given.length !== 1)
        throw new Error('addItem("comment") needs exactly one of status, discussion, post (or parent)');
      [ct, cid] = [given[0][0], Number(given[0][1])];
      if (!this.exists(ct, cid)) throw new Error(`no ${CONTRIBUTIONS[ct]} ${cid}`);
    }
    const id = this.comments.push(ct, cid, parent);
    this.comments.added.set(id, { time: Date.now(), ...extra });
    const map = parent ? this.comments.extraReplies : this.contributions[ct].extraTop;
    const key = parent || cid;
    map.set(key, [...(map.get(key) ?? []), id]);
    return id;
  }
}
