/**
 * The shared vocabulary of the extension. Plain data only: everything here can be
 * persisted to the cache (it never holds a token) and compared in tests.
 */

export type ServiceId = 'selfcommunity' | 'tines';

/** Non-secret description of one signed-in identity on one service instance. */
export interface Account {
  /** Stable id `service:host[/path]:userId`; also the SecretStorage key of its token. */
  readonly id: string;
  readonly service: ServiceId;
  /** Normalised base URL (no trailing slash), e.g. `https://community.example.com` or `https://x.tines.com`. */
  readonly baseUrl: string;
  /** The user's id on that service, always a string. */
  readonly userId: string;
  /** What the UI shows, e.g. `alice @ community.example.com`. */
  readonly label: string;
  /** Tines: the email used to resolve the user id (optional for SelfCommunity). */
  readonly email?: string;
  /** SelfCommunity accounts signed in with OAuth: the community's OAuth app (public, not a secret). */
  readonly oauthClientId?: string;
}

/** SelfCommunity contribution types that can be voted, plus a Tines case comment. */
export type TargetType = 'status' | 'discussion' | 'post' | 'comment' | 'case_comment';

export const SELFCOMMUNITY_CONTRIBUTIONS = ['status', 'discussion', 'post'] as const;
export type ContributionType = (typeof SELFCOMMUNITY_CONTRIBUTIONS)[number];

/** What was reacted to. */
export interface Target {
  readonly type: TargetType;
  /** The target's own id (comment id for comments and case comments), as a string. */
  readonly id: string;
  /** For a SelfCommunity comment: the contribution it belongs to. For a Tines comment: the case. */
  readonly parent?: { readonly type: ContributionType | 'case'; readonly id: string; readonly title?: string };
  /** Short, single-line excerpt of the target's text (at most ~140 chars). */
  readonly excerpt: string;
  /** Web link for "Open in Browser" / "Copy Link", when known. */
  readonly url?: string;
  /** When the target was created, in ms since the epoch (see `timeOf`). */
  readonly createdAt?: number;
  /** Author display name, when known. */
  readonly author?: string;
}

/** A reaction value: a SelfCommunity reaction (id + label) or a Tines value (`heart`, `+1`, ...). */
export interface ReactionKind {
  /** SelfCommunity: reaction id as string, or '' when the community has reactions off (plain upvote).
   *  Tines: the value, e.g. `heart`. */
  readonly id: string;
  /** Human label, e.g. `Love`, `heart`, `Upvote`. */
  readonly label: string;
  /** An emoji to show in the tree, when one fits. */
  readonly emoji?: string;
  /** Reactions can be deactivated by a community admin; they remain a user's current one. */
  readonly active?: boolean;
}

/** One reaction of the signed-in user. */
export interface Reaction {
  /** Stable id: `${accountId}|${target.type}:${target.id}` (+ `|${kind.id}` for Tines, where one comment can carry several of the user's reactions). */
  readonly id: string;
  readonly accountId: string;
  readonly target: Target;
  readonly kind: ReactionKind;
  /** When the reaction was left, in ms since the epoch, when the service tells it. */
  readonly reactedAt?: number;
}

export function accountId(service: ServiceId, baseUrl: string, userId: string): string {
  const u = new URL(baseUrl);
  const path = u.pathname.replace(/\/+$/, '');
  return `${service}:${u.host}${path}:${userId}`;
}

export function reactionId(
  accountIdValue: string,
  target: Pick<Target, 'type' | 'id'>,
  kind?: Pick<ReactionKind, 'id'>,
): string {
  return target.type === 'case_comment' && kind
    ? flat(accountIdValue, '|', target.type, ':', target.id, '|', kind.id)
    : flat(accountIdValue, '|', target.type, ':', target.id);
}

/** The `id` of a reaction made by `makeReaction`: derived from its fields whenever it is read. */
function derivedId(this: Reaction): string {
  return reactionId(this.accountId, this.target, this.kind);
}

/** One shared accessor: every reaction made here has the same shape, and no id string of its own. */
const DERIVED_ID: PropertyDescriptor = Object.freeze({ get: derivedId, enumerable: true, configurable: false });

/**
 * A reaction whose `id` is derived (`reactionId`) when read instead of stored: an own, enumerable
 * accessor, so a spread (`{ ...r, kind }`), `JSON.stringify` and `Object.keys` see an `id` like any
 * other field, while a kept reaction saves its ~45-character id string (64 bytes of 500; see
 * `compactReaction`). The accessor is the same function for every reaction, so they all share one shape.
 */
export function makeReaction(accountId: string, target: Target, kind: ReactionKind, reactedAt?: number): Reaction {
  const r = reactedAt === undefined ? { accountId, target, kind } : { accountId, target, kind, reactedAt };
  return Object.defineProperty(r, 'id', DERIVED_ID) as Reaction;
}

/** Whether a reaction's id is derived from its fields (made by `makeReaction`). */
export function hasDerivedId(r: Reaction): boolean {
  return Object.getOwnPropertyDescriptor(r, 'id')?.get === derivedId;
}

/**
 * What the store keeps of a reaction: its model fields only (`modelOnly`), with a derived id
 * (`makeReaction`) when its id is the one its fields make — the target and kind objects are shared,
 * not copied. A reaction with any other id (made by hand) is kept as it is, id included.
 */
export function compactReaction(r: Reaction): Reaction {
  const m = modelOnly(r);
  if (hasDerivedId(m)) return m;
  if (m.id !== reactionId(m.accountId, m.target, m.kind)) return m;
  return makeReaction(m.accountId, m.target, m.kind, m.reactedAt);
}

/**
 * A date from an API or an older cache (ISO 8601) in ms since the epoch; undefined when there is none or
 * it is not a date. Kept as a number: an ISO string cost 40–48 bytes of every kept reaction, a number 16
 * at most, and dates are compared and filtered far more often than they are shown.
 */
export function timeOf(iso: unknown): number | undefined {
  if (typeof iso === 'number') return Number.isFinite(iso) ? iso : undefined;
  if (typeof iso !== 'string' || !iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

/**
 * A reaction parsed from a file an earlier version wrote (dates as ISO text): its dates as times, in
 * place (the parsed object is the caller's); a text that is not a date is left out.
 */
export function upgradeDates(x: unknown): void {
  if (!x || typeof x !== 'object') return;
  const r = x as { reactedAt?: unknown; target?: { createdAt?: unknown } };
  if (typeof r.reactedAt === 'string') r.reactedAt = timeOf(r.reactedAt);
  if (r.target && typeof r.target === 'object' && typeof r.target.createdAt === 'string')
    r.target.createdAt = timeOf(r.target.createdAt);
}

/** What ends a cut excerpt: Latin-1, so an ASCII text stays one byte a character (see excerpt). */
const CUT = '...';

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** Whether a UTF-16 code is white space to an excerpt (collapsed to one space). */
function isExcerptSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c || c === 0x0b || c === 0xa0;
}

/**
 * Short, single-line plain text of untrusted HTML: tags dropped, the common entities decoded, runs of
 * white space collapsed, at most `max` characters. One pass with no regular expression, and it stops as
 * soon as the excerpt is full: linear in the input however it is made (200 000 `<` included), and
 * usually far less. A cut text ends with three dots, not "…": V8 keeps a string with any character
 * beyond Latin-1 at two bytes a character, and the ellipsis alone made a third of a listing's kept
 * excerpts twice their size (~140 bytes more per reaction; the tree truncates its labels itself).
 *
 * The text is copied in runs (a word or more at a time, `slice`), joined once into one flat string:
 * a character at a time made a 140-element array per excerpt and grew it five times, 3.8 KB of
 * garbage for every reaction a listing keeps (170 MB over a 100,000-item scan, which made V8 grow its
 * young generation; see `npm run bench -- --memory-only`).
 */
export function excerpt(text: string | null | undefined, max = 140): string {
  if (!text) return '';
  const s = String(text);
  const parts: string[] = [];
  /** Characters in `parts`; the pass stops once there are more than `max` (the text is cut). */
  let n = 0;
  let space = false;
  /** Where the next `>` is, from the last search (−1: none after it; a `<` after that is plain text). */
  let close = 0;
  const emit = (part: string) => {
    if (space && n > 0) {
      parts.push(' ');
      n++;
    }
    space = false;
    parts.push(part);
    n += part.length;
  };
  for (let i = 0; i < s.length && n <= max;) {
    const c = s.charCodeAt(i);
    if (isExcerptSpace(c)) {
      space = true;
      i++;
    } else if (c === 0x3c /* < */) {
      if (close !== -1 && close <= i) close = s.indexOf('>', i + 1);
      if (close !== -1) {
        i = close + 1;
        space = true;
      } else {
        emit('<');
        i++;
      }
    } else if (c === 0x26 /* & */) {
      // an entity is short: look at most 6 characters ahead (a search to the end would be quadratic)
      let semi = i + 1;
      while (semi < s.length && semi - i <= 6 && s.charCodeAt(semi) !== 0x3b) semi++;
      const name = s.charCodeAt(semi) === 0x3b ? s.slice(i + 1, semi) : '';
      if (Object.prototype.hasOwnProperty.call(ENTITIES, name)) {
        const ch = ENTITIES[name];
        if (isExcerptSpace(ch.charCodeAt(0))) space = true;
        else emit(ch);
        i = semi + 1;
      } else {
        emit('&');
        i++;
      }
    } else {
      // a run of plain characters, no longer than the excerpt can still take
      let j = i + 1;
      const stop = i + (max + 1 - n - (space && n > 0 ? 1 : 0));
      while (j < s.length && j < stop) {
        const d = s.charCodeAt(j);
        if (d === 0x3c || d === 0x26 || isExcerptSpace(d)) break;
        j++;
      }
      emit(s.slice(i, j));
      i = j;
    }
  }
  if (n > max) {
    // keep max − 3 characters, without trailing spaces, then the dots
    const keep = Math.max(0, max - CUT.length);
    let k = 0;
    for (let used = 0; k < parts.length && used < keep; k++) {
      if (used + parts[k].length > keep) parts[k] = parts[k].slice(0, keep - used);
      used += parts[k].length;
    }
    parts.length = k;
    // a space is a part of its own (a run holds none)
    while (parts.length && parts[parts.length - 1] === ' ') parts.length--;
    parts.push(CUT);
  }
  const out = parts.join('');
  // A run copied from a text that holds any character beyond Latin-1 (an emoji further on) is kept by
  // V8 at two bytes a character, and so is the excerpt joined from it: made one byte again when it can be.
  return !BEYOND_LATIN1.test(out) && BEYOND_LATIN1.test(s) ? Buffer.from(out, 'latin1').toString('latin1') : out;
}

const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/**
 * One flat string of its parts. A template literal or `+` makes a lazy chain of string nodes, kept as
 * long as the result is: ids and links of thousands of kept reactions are built with this instead.
 */
export function flat(...parts: string[]): string {
  return parts.join('');
}

/** A copy of a reaction with only the fields of the model (whatever else an object carries is left out). */
export function plainReaction(r: Reaction): Reaction {
  const t = r.target;
  const target: Target = {
    type: t.type,
    id: t.id,
    ...(t.parent
      ? {
          parent: {
            type: t.parent.type,
            id: t.parent.id,
            ...(t.parent.title !== undefined ? { title: t.parent.title } : {}),
          },
        }
      : {}),
    excerpt: t.excerpt,
    ...(t.url !== undefined ? { url: t.url } : {}),
    ...(t.createdAt !== undefined ? { createdAt: t.createdAt } : {}),
    ...(t.author !== undefined ? { author: t.author } : {}),
  };
  const k = r.kind;
  const kind: ReactionKind = {
    id: k.id,
    label: k.label,
    ...(k.emoji !== undefined ? { emoji: k.emoji } : {}),
    ...(k.active !== undefined ? { active: k.active } : {}),
  };
  return {
    id: r.id,
    accountId: r.accountId,
    target,
    kind,
    ...(r.reactedAt !== undefined ? { reactedAt: r.reactedAt } : {}),
  };
}

const MODEL_KEYS = {
  reaction: new Set(['id', 'accountId', 'target', 'kind', 'reactedAt']),
  target: new Set(['type', 'id', 'parent', 'excerpt', 'url', 'createdAt', 'author']),
  parent: new Set(['type', 'id', 'title']),
  kind: new Set(['id', 'label', 'emoji', 'active']),
};
const onlyKeys = (o: object | undefined, keys: Set<string>) => !o || Object.keys(o).every((k) => keys.has(k));

/**
 * What the store and the cache keep of a reaction: the reaction itself when it has only the model's
 * fields (no copy: kinds stay shared), else `plainReaction(r)` — whatever else an object carries (a
 * raw API object, a header, a token) is never kept.
 */
export function modelOnly(r: Reaction): Reaction {
  const t = r.target;
  const plain =
    onlyKeys(r, MODEL_KEYS.reaction) &&
    onlyKeys(t, MODEL_KEYS.target) &&
    onlyKeys(t.parent, MODEL_KEYS.parent) &&
    onlyKeys(r.kind, MODEL_KEYS.kind);
  return plain ? r : plainReaction(r);
}
