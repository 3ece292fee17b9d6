import type { Account, Reaction, ReactionKind, ServiceId, Target } from '../model';
import type { HttpOptions } from '../http';
import type { PaceView, ScanProgress } from '../progress';

/** What a person types to add an account. Tines also needs the user's email or numeric id. */
export interface SignInInput {
  readonly baseUrl: string;
  readonly token: string;
  /** Tines: the email of the key's owner (resolved to a user id through teams → members). */
  readonly email?: string;
  /** Tines: the numeric user id, when known (skips the email look-up). */
  readonly userId?: string;
}

/** The outcome of a removal. `already-removed`: the service showed no such reaction; nothing was sent. */
export interface RemoveResult {
  readonly outcome: 'removed' | 'already-removed' | 'target-deleted';
  readonly reaction: Reaction;
}

/**
 * What one read of a reaction found (Verify Removals, the check after a put-back): nothing is written.
 * `present`: the user's reaction is on the target (`reaction` as the server shows it now); `absent`: it is
 * not; `target-deleted`: the item, comment or case is gone.
 */
export interface CheckResult {
  readonly outcome: 'present' | 'absent' | 'target-deleted';
  readonly reaction: Reaction;
}

/**
 * What a complete listing leaves behind so that the next refresh can ask only for what changed.
 * Plain JSON (it is persisted with the cache); never a token. `data` is the service's own.
 */
export interface ScanCheckpoint {
  readonly service: ServiceId;
  /** When the listing started (ISO). */
  readonly at: string;
  readonly data?: Record<string, unknown>;
}

/** A refresh's findings: reactions found or changed, and ids of reactions that are gone. */
export interface ReactionDelta {
  readonly upsert: readonly Reaction[];
  readonly remove: readonly string[];
}

/** The service-level half of the Service interface: knows how to sign in and to build per-account clients. */
export interface ServiceProvider {
  readonly id: ServiceId;
  /** "SelfCommunity", "Tines" */
  readonly label: string;
  /** Whether sign-in asks for an email / user id (Tines). */
  readonly needsUserHint: boolean;
  /** One line for the token prompt: where a person gets a token for this service. */
  readonly tokenHelp: string;
  /** Example base URL for the prompt's placeholder. */
  readonly exampleUrl: string;
  /** Validates the token against the service and returns the account it belongs to. Stores nothing. */
  signIn(input: SignInInput, options?: ClientOptions): Promise<Account>;
  /** A client for one account. `getToken` is asked for the current token before each request. */
  connect(account: Account, getToken: () => Promise<string> | string, options?: ClientOptions): AccountService;
}

/** The per-account half: everything the UI does with one account goes through here. */
export interface AccountService {
  readonly account: Account;
  /** The kinds a reaction can be changed to (SelfCommunity: the community's active catalog). */
  reactionKinds(signal?: AbortSignal): Promise<ReactionKind[]>;
  /**
   * Streams the user's reactions as batches as they are found. Cancellable with `signal`. `progress`
   * hears every list's size and every page read (it does not count reactions found: the caller does).
   */
  listReactions(signal?: AbortSignal, progress?: ScanProgress): AsyncIterable<Reaction[]>;
  /** Set when a listing or refresh has run to its end: the base for the next `refreshReactions`. */
  readonly checkpoint: ScanCheckpoint | undefined;
  /**
   * Brings a known set up to date from a checkpoint with far fewer requests than a full listing.
   * Streams deltas; what each service can and cannot see is documented in the README.
   */
  refreshReactions(
    known: readonly Reaction[],
    since: ScanCheckpoint,
    signal?: AbortSignal,
    progress?: ScanProgress,
  ): AsyncIterable<ReactionDelta>;
  /** Reads whether the reaction is on the server now (one fresh read of its target; never a write). */
  check(reaction: Reaction, signal?: AbortSignal): Promise<CheckResult>;
  /** Removes a reaction safely (SelfCommunity: read, POST only when voted with that reaction, verify). */
  remove(reaction: Reaction, signal?: AbortSignal): Promise<RemoveResult>;
  /** Puts back a removed reaction (undo). Returns the reaction as it now is. */
  restore(reaction: Reaction, signal?: AbortSignal): Promise<Reaction>;
  /** Changes a reaction to another kind. Returns the reaction as it now is. */
  change(reaction: Reaction, kind: ReactionKind, signal?: AbortSignal): Promise<Reaction>;
  /** The web page of the target, when the service has one. */
  webUrl(target: Target): string | undefined;
  /** The account's pace (reads and writes share it): its rate-limit waits, for progress and time left. */
  readonly pace?: PaceView;
  /**
   * Services whose keys may act as someone else (Tines): no write goes out before the key is proven.
   * `proveKey` proves it with a harmless removal among `candidates` (reactions the person asked to
   * remove) — its outcome is that reaction's — or says that none can; `trustKeyOnce` lets the next
   * write go without a proof (the person confirmed); it runs alone and is checked.
   */
  readonly keyProof?: {
    proveKey(candidates: readonly Reaction[], signal?: AbortSignal): Promise<KeyProof>;
    trustKeyOnce(): Promise<void>;
  };
}

/** Remembers per account the fingerprint of the key proven to act as its user (never the key). */
export interface KeyProofStore {
  isProven(accountId: string, fingerprint: string): boolean | PromiseLike<boolean>;
  remember(accountId: string, fingerprint: string): void | PromiseLike<void>;
}

/**
 * What `proveKey` found: proven (by `proof`, a removal it made, or before); no reaction could prove it;
 * or the proof's removal of `reaction` failed with `error` (a key of someone else: kind 'forbidden').
 */
export type KeyProof =
  | { readonly state: 'proven'; readonly proof?: RemoveResult }
  | { readonly state: 'no-candidate' }
  | { readonly state: 'failed'; readonly reaction: Reaction; readonly error: unknown };

/** What a client's writes share with other windows and sessions (never a token). */
export interface WriteOptions {
  /**
   * A directory shared by every window of the machine (the extension's global storage): each write
   * holds its target's lock file there, so two windows never write to one reaction at once.
   */
  readonly writeLockDir?: string;
  /** Tines: where keys proven to act as the account's user are remembered (fingerprints, never keys). */
  readonly keyProofs?: KeyProofStore;
}

/** Options shared by every client: the HTTP layer's, and what writes share. */
export type ClientOptions = Partial<HttpOptions> & WriteOptions;
