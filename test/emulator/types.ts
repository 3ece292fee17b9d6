/** Public types of the emulator (re-exported from index.ts). */

export type ServerName = 'selfcommunity' | 'tines' | 'other';
export type UserName = 'alice' | 'bob' | 'carol';
export type ScType = 'status' | 'discussion' | 'post' | 'comment';
export type ScContributionType = Exclude<ScType, 'comment'>;
/** An ScType; any other string (e.g. a model TargetType) is accepted by the types and refused at run time. */
export type ScTypeName = ScType | (string & {});
export type TinesValue = '+1' | '-1' | 'eyes' | 'heart' | 'white_check_mark';

export interface EmulatorOptions {
  /** Deterministic PRNG seed (default 1); the same options give identical data. */
  seed?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** SelfCommunity port (default 0 = random). `scPort` is an alias. */
  port?: number;
  scPort?: number;
  tinesPort?: number;
  otherPort?: number;
  /** Added to every request (default 0); see `setLatency`. */
  latencyMs?: number;
  /** Called once per request when it was answered (or reset, or given up by the client). */
  onRequest?: (entry: LoggedRequest) => void;
  /** Path prefix of every SelfCommunity route, e.g. '/community' (default ''). */
  scPrefix?: string;
  sc?: {
    statuses?: number;
    discussions?: number;
    posts?: number;
    /** Average number of top-level comments per contribution. */
    commentsPerItem?: number;
    /** Share of top-level comments that have replies (1–3 each). */
    replyRate?: number;
    /** Share of contributions and comments alice voted on (bob and carol vote less). */
    voteRate?: number;
    reactionsEnabled?: boolean;
    /** Cap of `limit` (default 100). */
    maxLimit?: number;
  };
  tines?: {
    cases?: number;
    /** Average number of comments per case. */
    commentsPerCase?: number;
    /** Share of comments alice reacted to (others react less). */
    reactionRate?: number;
    teams?: number;
    /** Cap of `per_page` (default 500). */
    maxPerPage?: number;
    /**
     * A second user's reactions on the same comments: `user` also reacted with the same emoji on `share`
     * (0–1) of `of`'s reactions (default of alice), a minute later. For the Tines key proof: with that
     * user's key on `of`'s account, a removal on such a comment would take away THEIR reaction.
     */
    shared?: { user: UserName; share: number; of?: UserName };
  };
  /** OAuth 2 on the SelfCommunity server (`<prefix>/oauth/authorize/`, `token/`, `revoke_token/`). */
  oauth?: OAuthOptions;
  /** A community that changes while it is listed (see modes.ts); `emu.setChurn` changes it later. */
  churn?: ChurnOptions;
  /** A misbehaving server (see modes.ts); `emu.hostile` changes it later. */
  hostile?: HostileOptions;
  /** Rate limits (rateLimits.ts: SelfCommunity per user, Tines per key); `emu.setRateLimits` changes them later. */
  rateLimits?: RateLimitOptions;
  /** Removals that do not stick (see ghost.ts); `emu.setGhost` changes it later. */
  ghost?: GhostOptions;
}

/** A sliding window: at most `requests` accepted per caller within any `windowMs`. */
export interface RateLimitSpec {
  requests: number;
  windowMs: number;
}

/** SelfCommunity answers over its limit with 429 + Retry-After (DRF); Tines with 429 and no header. */
export interface RateLimitOptions {
  selfcommunity?: RateLimitSpec;
  tines?: RateLimitSpec;
}

/** One write (POST) a server handled with a 2xx answer: it changed (or tried to change) the data. */
export interface AppliedWrite {
  path: string;
  query: Record<string, string>;
  body?: string;
  time: number;
}

/** What a server's rate limit saw since the emulator started (or `resetRateStats`). */
export interface RateLimitStats {
  /** Requests counted in a window (only while a limit is set). */
  accepted: number;
  /** Requests answered 429 by the limit. */
  throttled: number;
  /** Every write applied (limits or not), in order. */
  appliedWrites: AppliedWrite[];
}

/** Ghost mode: every `every`-th removal (default 10) stays or comes back, until the quotas are used. */
export interface GhostOptions {
  /** Removals answered as done (and the read right after agrees) while the reaction stays. */
  stay?: number;
  /** Removals done, then undone `delayMs` later. */
  comeBack?: number;
  /** Default 1000. */
  delayMs?: number;
  /** Which removals are ghosts: every n-th the server receives (default 10). */
  every?: number;
}

/** One ghost removal: `target` is `status:12`, `comment:40` or `case:3/comment:9`. */
export interface GhostEntry {
  service: 'selfcommunity' | 'tines';
  target: string;
  user: string;
  mode: 'stay' | 'comeBack';
  /** When the removal was received, and when the reaction was back (for `comeBack`: when it is due). */
  at: number;
  backAt: number;
}

/** Per SelfCommunity contribution list request: deletions anywhere, insertions at the head. */
export interface ChurnOptions {
  seed?: number;
  /** Contributions of the listed type deleted per request (default 3). */
  deletes?: number;
  /** Contributions added at the head per request (default 1). */
  inserts?: number;
  /** Share of added contributions alice votes on (default 0.3). */
  voteRate?: number;
}

export interface HostileOptions {
  /** Lists claim 1 000 000 000 items (pages past the real ones are empty). */
  hugeCount?: boolean;
  /** Lists give no count, and `next` points back to the page itself. */
  nextLoop?: boolean;
  /** The first page of statuses is this many MB (chunked, no Content-Length). */
  hugeBodyMegabytes?: number;
  /** The newest status's html and summary are this many `<`. */
  pathologicalText?: number;
  /** Items say `voted: true, reaction: null` where the vote has a reaction (their vote list names it). */
  nullReaction?: boolean;
}

/** What churn did, in order. */
export interface ChurnLog {
  deleted: Array<{ type: ScContributionType; id: number; time: number }>;
  inserted: Array<{ type: ScContributionType; id: number; time: number; voted: boolean }>;
}

/** An OAuth application registered on the emulated community. All are public clients (no secret). */
export interface OAuthAppSpec {
  clientId: string;
  name: string;
  /**
   * Allowed redirect URIs; `[]` accepts any absolute URI (demo). A URI matches a registered one when
   * scheme, host, port and path are equal and the registered query parameters are a subset of its own;
   * the port is ignored for `http://127.0.0.1` and `http://[::1]` (RFC 8252 §7.3, as in DOT).
   */
  redirectUris: string[];
}

/** 'optional' (default): PKCE used when the client sends a challenge; 'required': refused without; 'unsupported': challenges ignored. */
/**
 * optional: PKCE checked when a challenge is sent; required: a request without one is refused;
 * unsupported: the challenge is ignored (a server without PKCE); refused: a request WITH a challenge is
 * sent back with invalid_request (a server that rejects unknown parameters).
 */
export type OAuthPkceMode = 'optional' | 'required' | 'unsupported' | 'refused';

export interface OAuthOptions {
  /** Replaces the default apps (`reactions-demo`, any redirect URI; `reactions-strict`, two registered URIs). */
  apps?: OAuthAppSpec[];
  /** Lifetime of new access tokens in seconds (default 36000; fractions allowed, `expires_in` says at least 1). */
  accessTokenLifetimeSeconds?: number;
  /** Default 'optional'. */
  pkce?: OAuthPkceMode;
  /** A refresh issues a new refresh token and revokes the old one (default true, as DOT's ROTATE_REFRESH_TOKEN). */
  rotateRefreshTokens?: boolean;
}

/** Counters of the OAuth endpoints since the emulator started. */
export interface OAuthStats {
  /** Codes handed out by an approved consent page. */
  codesIssued: number;
  /** Successful authorization_code grants. */
  codeExchanges: number;
  /** Successful refresh_token grants. */
  refreshes: number;
  /** Successful password grants. */
  passwordGrants: number;
  /** Revocation requests answered 200 (whether or not the token existed). */
  revocations: number;
  /** `/oauth/token/` requests answered with an error (4xx). */
  failedTokenRequests: number;
}

/** Test control of the OAuth server (`emu.oauth`). */
export interface OAuthControl {
  /** The demo app's client id (any redirect URI accepted): OAUTH_DEMO_CLIENT_ID. */
  readonly clientId: string;
  /** The strict app's client id (registered redirect URIs only): OAUTH_STRICT_CLIENT_ID. */
  readonly strictClientId: string;
  /** Who is "logged in to the community in this browser": preselected on the consent page (default alice). */
  browserUser: UserName;
  /** Lifetime of access tokens issued from now on (tokens already issued keep theirs). */
  setAccessTokenLifetime(seconds: number): void;
  /** Every current access token of the user (or of everyone) answers 401 from now on; refresh tokens still work. */
  expireAccessTokens(user?: UserName): void;
  /** Revokes the refresh tokens of the user (or of everyone); their access tokens keep working until they expire. */
  revokeRefreshTokens(user?: UserName): void;
  setPkce(mode: OAuthPkceMode): void;
  stats(): OAuthStats;
  /** Issued access tokens that the API accepts now (neither expired nor revoked). */
  activeAccessTokens(user?: UserName): string[];
  /** Refresh tokens that a refresh_token grant accepts now. */
  activeRefreshTokens(user?: UserName): string[];
}

export interface LoggedRequest {
  server: ServerName;
  method: string;
  /** Full pathname as received (including the SelfCommunity prefix). */
  path: string;
  query: Record<string, string>;
  /** Full URL. */
  url: string;
  /** Lower-cased header names, values as received (including authorization). */
  headers: Record<string, string>;
  body?: string;
  /** Status sent; 0 for a reset or a hang (or while still in flight). */
  status: number;
  /** User name resolved from the token ('service' for the Tines service key). */
  user?: string;
  /** Time to answer (or to give up), in ms. */
  ms: number;
  /** Arrival time (Date.now()). */
  time: number;
}

export interface FaultSpec {
  server?: 'selfcommunity' | 'tines';
  method?: string;
  /** Matched against the pathname AFTER scPrefix; a string is an exact match, or a prefix when it ends in '*'. */
  path: string | RegExp;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Retry-After header value: seconds or an HTTP date. */
  retryAfter?: string;
  latencyMs?: number;
  /**
   * The request waits this long in the server's queue BEFORE its rate limit sees it (a busy server
   * counts it late). A fault with `queuedMs` does nothing else; `latencyMs` delays after the limit.
   */
  queuedMs?: number;
  /** 200 with truncated JSON. */
  malformedJson?: boolean;
  /** Destroy the socket. */
  reset?: boolean;
  /** Never answer (until the client gives up or the emulator closes). */
  hang?: boolean;
  /** Answer normally but point `next` (SC) / `meta.next_page` (Tines) at otherOrigin. */
  crossOriginNext?: boolean;
  /** 302 with Location: 'other-origin' (same path on otherOrigin) or the given URL. */
  redirectTo?: 'other-origin' | string;
  /** Perform the real request (state change included), THEN fail as specified. */
  applyFirst?: boolean;
  /** How many matching requests it hits (default unlimited). */
  times?: number;
  /** Let this many matching requests through untouched before hitting (default 0). */
  skip?: number;
}

export interface FaultHandle {
  readonly hits: number;
  remove(): void;
}

export interface EmulatorUser {
  name: UserName;
  displayName: string;
  email: string;
  scToken: string;
  tinesToken: string;
  scUserId: number;
  tinesUserId: number;
}

export interface ScVoteRecord {
  user: string;
  userId: number;
  reactionId: number | null;
  votedAt: string;
}

/** The stored state of one SelfCommunity item, as no particular user sees it. */
export interface ScRawItem {
  type: ScType;
  id: number;
  added_at: string;
  author: { id: number; username: string; real_name: string };
  html: string;
  summary: string;
  title?: string;
  slug?: string;
  /** For comments: the contribution and the parent comment. */
  contribution?: { type: ScContributionType; id: number };
  parent?: number | null;
  /** Contributions: all visible comments; comments: visible replies. */
  comment_count: number;
  votes: ScVoteRecord[];
}

export interface ScAddFields {
  html?: string;
  title?: string;
  authorId?: number;
  /** For a comment: the contribution (exactly one) or the parent comment. */
  status?: number;
  discussion?: number;
  post?: number;
  parent?: number;
}

export interface ScState {
  get(type: ScTypeName, id: number | string): ScRawItem | undefined;
  voteOf(type: ScTypeName, id: number | string, user: UserName): { reactionId: number | null } | undefined;
  /** `undefined` removes the vote; `null` is a vote without a reaction. */
  setVote(type: ScTypeName, id: number | string, user: UserName, reactionId: number | null | undefined): void;
  delete(type: ScTypeName, id: number | string): void;
  votesOf(user: UserName): Array<{ type: ScType; id: number; reactionId: number | null }>;
  addItem(type: ScTypeName, fields?: ScAddFields): number;
}

export interface TinesState {
  reactionsOf(user: UserName): Array<{ caseId: number; commentId: number; value: TinesValue }>;
  addReaction(caseId: number | string, commentId: number | string, user: UserName, value: TinesValue): void;
  removeReaction(caseId: number | string, commentId: number | string, user: UserName, value: TinesValue): void;
  deleteComment(caseId: number | string, commentId: number | string): void;
  deleteCase(caseId: number | string): void;
  /** Sets the case's updated_at to now. */
  touchCase(caseId: number | string): void;
  /** The case as the API shows it (undefined when missing or deleted). */
  getCase(caseId: number | string): Record<string, unknown> | undefined;
  /** The comment as the API shows it (undefined when missing or deleted). */
  getComment(caseId: number | string, commentId: number | string): Record<string, unknown> | undefined;
}

export interface Emulator {
  readonly selfcommunityUrl: string;
  readonly tinesUrl: string;
  readonly otherOrigin: { readonly url: string; readonly requests: LoggedRequest[] };
  readonly users: readonly EmulatorUser[];
  readonly tinesServiceKey: string;
  readonly seed: number;
  readonly requests: LoggedRequest[];
  clearLog(): void;
  setLatency(ms: number): void;
  fault(spec: FaultSpec): FaultHandle;
  clearFaults(): void;
  readonly sc: ScState;
  readonly tines: TinesState;
  /** OAuth test control: the apps' client ids, the browser's user, token lifetime, expiry, revocation, counters. */
  readonly oauth: OAuthControl;
  /** Starts (or with undefined stops) churn from now on. */
  setChurn(churn: ChurnOptions | undefined): void;
  /** What churn deleted and inserted so far. */
  readonly churnLog: ChurnLog;
  /** The hostile modes in force (change its fields at any time). */
  hostile: HostileOptions;
  /** Sets (or with undefined removes) the rate limits from now on; windows start empty. */
  setRateLimits(limits: RateLimitOptions | undefined): void;
  /** Requests accepted and refused by the limits, and writes applied, per server. */
  rateStats(): Record<'selfcommunity' | 'tines', RateLimitStats>;
  resetRateStats(): void;
  /** Starts (or with undefined stops) ghost mode; counting of removals starts again. */
  setGhost(ghost: GhostOptions | undefined): void;
  /** The ghost removals so far, in the order the server received them. */
  readonly ghostLog: readonly GhostEntry[];
  close(): Promise<void>;
}
