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
  /** ISO date the target was created. */
  readonly createdAt?: string;
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
  /** ISO date of the reaction, when the service tells it. */
  readonly reactedAt?: string;
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
  const base = `${accountIdValue}|${target.type}:${target.id}`;
  return target.type === 'case_comment' && kind ? `${base}|${kind.id}` : base;
}

/** Collapses whitespace and trims to `max` characters with an ellipsis. Strips HTML tags. */
export function excerpt(text: string | null | undefined, max = 140): string {
  if (!text) return '';
  const plain = String(text)
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > max ? plain.slice(0, max - 1).trimEnd() + '…' : plain;
}
