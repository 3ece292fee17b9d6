/**
 * Tines state: teams and their members, cases, comments and reactions. Cases and comments are small
 * records (500 cases × 20 comments is 10 000 of them); names and texts are derived from the seed.
 */
import { Rng, code, iso } from './seed';
import { caseComment, caseDescription, caseName } from './text';
import type { EmulatorOptions, TinesValue, UserName } from './types';
import { TINES_OTHERS, TINES_SERVICE, USERS, tinesPerson, userIndex } from './users';

export const TINES_VALUES: readonly TinesValue[] = ['+1', '-1', 'eyes', 'heart', 'white_check_mark'];
const VALUE_WEIGHTS = [35, 10, 20, 20, 15];
const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
const TEAM_NAMES = [
  'Security Operations',
  'IT Help Desk',
  'Threat Intelligence',
  'Fraud & Risk',
  'Cloud Platform',
  'Identity & Access',
];

export interface TinesConfig {
  seed: number;
  cases: number;
  commentsPerCase: number;
  reactionRate: number;
  teams: number;
  maxPerPage: number;
  shared?: { user: UserName; share: number; of?: UserName };
}

export function tinesConfig(seed: number, o: EmulatorOptions['tines'] = {}): TinesConfig {
  return {
    seed,
    cases: Math.max(0, Math.floor(o.cases ?? 12)),
    commentsPerCase: Math.max(0, o.commentsPerCase ?? 5),
    reactionRate: Math.min(1, Math.max(0, o.reactionRate ?? 0.5)),
    teams: Math.max(1, Math.floor(o.teams ?? 3)),
    maxPerPage: Math.max(1, Math.floor(o.maxPerPage ?? 500)),
    shared: o.shared,
  };
}

export interface Reactant {
  userId: number;
  at: number;
}

export interface TReaction {
  value: TinesValue;
  reactants: Reactant[];
}

export interface TComment {
  id: number;
  caseId: number;
  authorId: number;
  createdAt: number;
  deleted: boolean;
  reactions: TReaction[];
}

export interface TCase {
  id: number;
  team: number;
  authorId: number;
  status: 'OPEN' | 'CLOSED';
  priority: (typeof PRIORITIES)[number];
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  deleted: boolean;
  comments: TComment[];
}

export interface Team {
  id: number;
  name: string;
  members: Array<{ userId: number; role: 'TEAM_ADMIN' | 'EDITOR' | 'VIEWER' }>;
}

const END = Date.UTC(2025, 5, 2, 9, 30);
const MIN = 60e3;
const SALT = { name: code('case-name'), comment: code('case-comment') };

export class TinesWorld {
  readonly teams: Team[] = [];
  readonly cases: TCase[] = [];
  private readonly comments = new Map<number, TComment>();

  constructor(readonly cfg: TinesConfig) {
    const rng = Rng.of(cfg.seed, code('tines'));
    this.generateTeams(rng);
    this.generateCases(rng);
    if (cfg.shared) this.share(cfg.shared, Rng.of(cfg.seed, code('tines-shared')));
  }

  /** `user` also reacts with the same emoji on `share` of `of`'s reactions (emulator option `tines.shared`). */
  private share(o: NonNullable<TinesConfig['shared']>, rng: Rng): void {
    const from = USERS[userIndex(o.of ?? 'alice')].tinesUserId;
    const to = USERS[userIndex(o.user)].tinesUserId;
    for (const comment of this.comments.values())
      for (const r of comment.reactions) {
        const theirs = r.reactants.find((x) => x.userId === from);
        if (theirs && rng.chance(o.share)) this.react(comment, to, r.value, theirs.at + MIN);
      }
  }

  private generateTeams(rng: Rng): void {
    const n = this.cfg.teams;
    for (let i = 0; i < n; i++) this.teams.push({ id: 201 + i, name: TEAM_NAMES[i] ?? `Team ${i + 1}`, members: [] });
    const join = (team: number, userId: number, role: Team['members'][number]['role']) => {
      const t = this.teams[team % n];
      if (!t.members.some((m) => m.userId === userId)) t.members.push({ userId, role });
    };
    const [alice, bob, carol] = USERS.map((u) => u.tinesUserId);
    join(0, alice, 'TEAM_ADMIN');
    join(1, alice, 'EDITOR');
    join(0, bob, 'EDITOR');
    join(2, bob, 'VIEWER');
    join(1, carol, 'EDITOR');
    join(2, carol, 'EDITOR');
    for (const team of this.teams) {
      const k = rng.int(3, 6);
      for (let i = 0; i < k; i++) join(team.id - 201, rng.pick(TINES_OTHERS), rng.chance(0.7) ? 'EDITOR' : 'VIEWER');
    }
  }

  private generateCases(rng: Rng): void {
    const { cases: n, commentsPerCase: c, reactionRate: rate } = this.cfg;
    const gap = Math.max(5 * MIN, (120 * 24 * 60 * MIN) / Math.max(1, n));
    let commentId = 5000;
    for (let id = 1; id <= n; id++) {
      const team = rng.int(0, this.teams.length - 1);
      const members = this.teams[team].members;
      const createdAt = END - (n - id + rng.next() * 0.9) * gap;
      const status = rng.chance(0.65) ? 'OPEN' : 'CLOSED';
      const k = c > 0 ? rng.int(0, Math.round(2 * c)) : 0;
      const kase: TCase = {
        id,
        team,
        authorId: rng.chance(0.35) ? TINES_SERVICE.userId : rng.pick(members).userId,
        status,
        priority: PRIORITIES[rng.weighted([3, 4, 2, 1])],
        createdAt,
        updatedAt: createdAt,
        closedAt: null,
        deleted: false,
        comments: [],
      };
      let t = createdAt;
      for (let j = 0; j < k; j++) {
        t += (3 + rng.next() * 180) * MIN;
        const author = rng.chance(0.1)
          ? TINES_SERVICE.userId
          : rng.chance(0.35)
            ? rng.pick(USERS).tinesUserId
            : rng.pick(members).userId;
        const comment: TComment = {
          id: ++commentId,
          caseId: id,
          authorId: author,
          createdAt: t,
          deleted: false,
          reactions: [],
        };
        this.seedReactions(rng, comment, rate);
        kase.comments.push(comment);
        this.comments.set(comment.id, comment);
      }
      kase.updatedAt = Math.max(
        t,
        ...kase.comments.flatMap((cm) => cm.reactions.flatMap((r) => r.reactants.map((x) => x.at))),
      );
      if (status === 'CLOSED') kase.closedAt = kase.updatedAt;
      this.cases.push(kase);
    }
  }

  /** alice reacts to about `rate` of comments, sometimes with two or three values; others less. */
  private seedReactions(rng: Rng, comment: TComment, rate: number): void {
    const reactors: Array<[number, number]> = [
      [USERS[0].tinesUserId, rate],
      [USERS[1].tinesUserId, rate * 0.55],
      [USERS[2].tinesUserId, rate * 0.45],
      [rng.pick(TINES_OTHERS), 0.15],
      [rng.pick(TINES_OTHERS), 0.1],
    ];
    for (const [userId, p] of reactors) {
      if (!rng.chance(p)) continue;
      const n = 1 + rng.weighted([75, 20, 5]);
      const weights = [...VALUE_WEIGHTS];
      for (let i = 0; i < n; i++) {
        const v = rng.weighted(weights);
        weights[v] = 0;
        this.react(comment, userId, TINES_VALUES[v], comment.createdAt + (1 + rng.next() * 2880) * MIN);
      }
    }
    for (const r of comment.reactions) r.reactants.sort((a, b) => a.at - b.at);
    comment.reactions.sort((a, b) => a.reactants[0].at - b.reactants[0].at);
  }

  /** Adds a reactant; false when it was already there. */
  react(comment: TComment, userId: number, value: TinesValue, at: number): boolean {
    let entry = comment.reactions.find((r) => r.value === value);
    if (!entry) comment.reactions.push((entry = { value, reactants: [] }));
    if (entry.reactants.some((x) => x.userId === userId)) return false;
    entry.reactants.push({ userId, at });
    return true;
  }

  /** Removes a reactant (and the entry when nobody is left); false when there was none. */
  unreact(comment: TComment, userId: number, value: TinesValue): boolean {
    const entry = comment.reactions.find((r) => r.value === value);
    const i = entry ? entry.reactants.findIndex((x) => x.userId === userId) : -1;
    if (!entry || i < 0) return false;
    entry.reactants.splice(i, 1);
    if (entry.reactants.length === 0) comment.reactions.splice(comment.reactions.indexOf(entry), 1);
    return true;
  }

  caseById(id: number | string): TCase | undefined {
    const c = this.cases[Number(id) - 1];
    return c && !c.deleted ? c : undefined;
  }

  commentOf(caseId: number | string, commentId: number | string): TComment | undefined {
    const kase = this.caseById(caseId);
    const comment = this.comments.get(Number(commentId));
    return kase && comment && comment.caseId === kase.id && !comment.deleted ? comment : undefined;
  }

  touch(kase: TCase): void {
    kase.updatedAt = Date.now();
  }

  // ---- JSON views --------------------------------------------------------------------------------

  personJson(base: string, id: number): Record<string, unknown> {
    const p = tinesPerson(id);
    return {
      user_id: String(id),
      first_name: p.firstName,
      last_name: p.lastName,
      email: p.email,
      avatar_url: `${base}/avatars/${id}.png`,
      is_service_account: id === TINES_SERVICE.userId,
    };
  }

  caseJson(base: string, c: TCase): Record<string, unknown> {
    const r = Rng.of(this.cfg.seed, SALT.name, c.id);
    const team = this.teams[c.team];
    return {
      case_id: c.id,
      name: caseName(r),
      description: caseDescription(r),
      status: c.status,
      sub_status: null,
      priority: c.priority,
      author: this.personJson(base, c.authorId),
      assignees: [],
      tags: [],
      team: { id: team.id, name: team.name },
      url: `${base}/cases/${c.id}`,
      created_at: iso(c.createdAt),
      updated_at: iso(c.updatedAt),
      closed_at: c.closedAt === null ? null : iso(c.closedAt),
    };
  }

  commentJson(base: string, cm: TComment): Record<string, unknown> {
    return {
      id: cm.id,
      case_id: cm.caseId,
      activity_type: 'COMMENTED',
      value: caseComment(Rng.of(this.cfg.seed, SALT.comment, cm.id)),
      created_at: iso(cm.createdAt),
      user: this.personJson(base, cm.authorId),
      reactions: cm.reactions.map((r) => ({
        emoji: `:${r.value}:`,
        reactants: r.reactants.map((x) => {
          const p = tinesPerson(x.userId);
          return { user_id: x.userId, user_name: `${p.firstName} ${p.lastName}`, reacted_at: iso(x.at, true) };
        }),
      })),
    };
  }

  // ---- the emulator's state API ------------------------------------------------------------------

  private mustComment(caseId: number | string, commentId: number | string): TComment {
    const cm = this.commentOf(caseId, commentId);
    if (!cm) throw new Error(`no comment ${commentId} on case ${caseId}`);
    return cm;
  }

  private checkValue(value: string): TinesValue {
    if (!TINES_VALUES.includes(value as TinesValue)) throw new Error(`unsupported Tines reaction value "${value}"`);
    return value as TinesValue;
  }

  reactionsOf(user: UserName): Array<{ caseId: number; commentId: number; value: TinesValue }> {
    const userId = USERS[userIndex(user)].tinesUserId;
    const out: Array<{ caseId: number; commentId: number; value: TinesValue }> = [];
    for (const c of this.cases) {
      if (c.deleted) continue;
      for (const cm of c.comments) {
        if (cm.deleted) continue;
        for (const r of cm.reactions)
          if (r.reactants.some((x) => x.userId === userId))
            out.push({ caseId: c.id, commentId: cm.id, value: r.value });
      }
    }
    return out;
  }

  addReaction(caseId: number | string, commentId: number | string, user: UserName, value: TinesValue): void {
    const cm = this.mustComment(caseId, commentId);
    if (this.react(cm, USERS[userIndex(user)].tinesUserId, this.checkValue(value), Date.now()))
      this.touch(this.caseById(caseId)!);
  }

  removeReaction(caseId: number | string, commentId: number | string, user: UserName, value: TinesValue): void {
    const cm = this.mustComment(caseId, commentId);
    if (this.unreact(cm, USERS[userIndex(user)].tinesUserId, this.checkValue(value)))
      this.touch(this.caseById(caseId)!);
  }

  deleteComment(caseId: number | string, commentId: number | string): void {
    this.mustComment(caseId, commentId).deleted = true;
  }

  deleteCase(caseId: number | string): void {
    const c = this.caseById(caseId);
    if (!c) throw new Error(`no case ${caseId}`);
    c.deleted = true;
  }

  touchCase(caseId: number | string): void {
    const c = this.caseById(caseId);
    if (!c) throw new Error(`no case ${caseId}`);
    this.touch(c);
  }
}
