/**
 * Accounts and reactions for tests that need them without a server: one builder per service, the
 * fields a test cares about given, the rest plausible. Ids are made as the product makes them.
 */
import {
  accountId,
  reactionId,
  type Account,
  type Reaction,
  type ReactionKind,
  type ServiceId,
  type Target,
} from '../../src/core/model';

/** An account as sign-in stores it: `id` from service, base URL and user id. */
export function testAccount(service: ServiceId, baseUrl: string, userId: string, label = `user ${userId}`): Account {
  return { id: accountId(service, baseUrl, userId), service, baseUrl, userId, label };
}

export const SC_ACCOUNT = testAccount('selfcommunity', 'https://community.example.com', '7').id;
export const SC_ACCOUNT_2 = testAccount('selfcommunity', 'https://other.example.com', '9').id;
export const TINES_ACCOUNT = testAccount('tines', 'https://tenant.tines.com', '42').id;

export interface ReactionParts {
  /** The account id (default SC_ACCOUNT / TINES_ACCOUNT). */
  readonly account?: string;
  /** Target fields over the defaults (excerpt, createdAt, url, author, parent, …). */
  readonly target?: Partial<Target>;
  /** Kind fields over the defaults. */
  readonly kind?: Partial<ReactionKind>;
  readonly reactedAt?: number;
}

function reaction(accountIdValue: string, target: Target, kind: ReactionKind, reactedAt?: number): Reaction {
  const id = reactionId(accountIdValue, target, kind);
  return reactedAt === undefined
    ? { id, accountId: accountIdValue, target, kind }
    : { id, accountId: accountIdValue, target, kind, reactedAt };
}

/** A SelfCommunity reaction on `type` `id`: "Like" is kind 1 (👍), any other label kind 2 (❤️). */
export function scReaction(type: Target['type'], id: string, label = 'Like', parts: ReactionParts = {}): Reaction {
  const like = label === 'Like';
  return reaction(
    parts.account ?? SC_ACCOUNT,
    { type, id, excerpt: `${type} ${id}`, ...parts.target },
    { id: like ? '1' : '2', label, emoji: like ? '👍' : '❤️', ...parts.kind },
    parts.reactedAt,
  );
}

/** A Tines reaction: `value` (`heart`, `eyes`, `+1`, …) on comment `commentId` of case `caseId`. */
export function tinesReaction(caseId: string, commentId: string, value = 'heart', parts: ReactionParts = {}): Reaction {
  return reaction(
    parts.account ?? TINES_ACCOUNT,
    {
      type: 'case_comment',
      id: commentId,
      parent: { type: 'case', id: caseId, title: `Case ${caseId}` },
      excerpt: `comment ${commentId}`,
      ...parts.target,
    },
    { id: value, label: value, ...parts.kind },
    parts.reactedAt,
  );
}
