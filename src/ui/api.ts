/**
 * The API `activate()` returns (`vscode.extensions.getExtension('reactions-dev.reactions-vscode').exports`).
 * Read-only: it never exposes a token. To change things, run the `reactions.*` commands, which accept
 * plain-object arguments (see src/ui/commands/*.ts).
 */
import * as vscode from 'vscode';
import type { CacheSync } from '../core/cache';
import type { Account, Reaction } from '../core/model';
import { RestoreJournal } from '../core/cleanup/journal';
import type { Deps } from './deps';
import type { ContextKey } from './contextKeys';
import { lazyFamilies } from './commands/lazy';
import type { TreeNode } from './tree/node';

export interface ReactionsApi {
  /** The accounts added so far (non-secret data only: id, service, baseUrl, userId, label, email). */
  accounts(): Account[];
  /** The reactions listed so far, of one account or all; the tree's filter does not apply. */
  reactions(accountId?: string): Reaction[];
  /** Fires (debounced by the caller's needs: possibly often) when accounts or reactions change. */
  readonly onDidChange: vscode.Event<void>;
}

/**
 * Extra hooks for the extension's own host tests, present only when the extension runs in test or
 * development mode (testHooksEnabled). Not a stable API.
 */
export interface ReactionsTestHooks {
  readonly tree: vscode.TreeDataProvider<TreeNode> & { flush(): void };
  /** Resolves when no listing is running. */
  whenIdle(): Promise<void>;
  /** Load state of an account: idle / loading / loaded / error (+ the error message). */
  loadState(accountId: string): {
    status: string;
    error?: string;
    errorKind?: string;
    cachedAt?: string;
    cachedPartial?: boolean;
    /** Why the last listing stopped early ('cancelled', …). */
    partial?: string;
    /** Why the last Full Rescan did not replace the list ('cancelled', an error's message). */
    notRefreshed?: string;
    /** The running listing's progress. */
    progress?: { percent: number; requestsDone: number; found: number; remainingMs?: number };
  };
  isReauthPending(accountId: string): boolean;
  /** Fires with the account each time an "Update Token" / "Sign In Again" prompt is shown. */
  readonly onDidPromptReauth: vscode.Event<Account>;
  /** How long activate() took (ms): wiring only, no I/O. */
  readonly activationMs: number;
  /** The path of an account's cache file (it may not exist). */
  cacheFile(accountId: string): string;
  /** Writes every pending cache save now. */
  flushCache(): Promise<void>;
  /**
   * Forgets the reactions in memory and fills the store from the cache exactly as a warm start does
   * (pending saves are written first; no request). Resolves with how many reactions were restored.
   */
  reloadFromCache(): Promise<number>;
  /**
   * Replaces the browser the OAuth sign-in opens (a test "browser" approves on the emulator's consent
   * page and hands the redirect to `deliverCallback`); undefined restores VS Code's.
   */
  setBrowser(opener: ((url: string) => Promise<boolean>) | undefined): void;
  /** Hands a callback query (`code=…&state=…`) to the URI handler, as the browser's redirect does. */
  deliverCallback(query: string): Promise<void>;
  /** Whether a sign-in is waiting for the browser. */
  isSignInWaiting(): boolean;
  /** The redirect URI the sign-in uses (from env.asExternalUri). */
  callbackUri(): Promise<string>;
  /** What the "SelfCommunity" authentication provider answers another extension asking for these scopes. */
  authSessions(scopes?: readonly string[]): Promise<readonly vscode.AuthenticationSession[]>;
  /** The restore journal's file in globalStorage. */
  journalFile(): string;
  /**
   * Simulates a restart for the journal: drops the in-memory journal and reads a new one from its file,
   * exactly as the next activation does. Resolves with the batch ids it read, newest first.
   */
  reloadJournal(): Promise<string[]>;
  /** The view's description (the filter in a few words) and message. */
  viewText(): { description?: string; message?: string };
  /**
   * Loads every command family registered to load on first use (lazy.ts), as their first calls would.
   * Resolves with the ids they declared.
   */
  loadAllCommands(): Promise<string[]>;
  /** The value the extension last gave one of its context keys (false when never set). */
  contextKey(key: string): boolean;
}

export type ReactionsExports = ReactionsApi & { readonly testing?: ReactionsTestHooks };

/**
 * The test hooks replace the browser and feed the URI handler: they exist only when VS Code runs the
 * extension from its sources (Development) or for its tests (Test) — never in an installed extension
 * (Production), whatever the environment says.
 */
export function testHooksEnabled(mode: vscode.ExtensionMode): boolean {
  return mode === vscode.ExtensionMode.Development || mode === vscode.ExtensionMode.Test;
}

/** What the API reads from: the wired pieces, and what only the test hooks need. */
export interface ApiOptions {
  /** The pieces activate() wired (store, accounts, listings, tree, view, journal, …). */
  readonly deps: Deps;
  /** Add `testing` (see testHooksEnabled). */
  readonly withTestHooks: boolean;
  readonly cache?: CacheSync;
  /** How long activate() took, once it has returned. */
  readonly activationMs?: () => number;
  readonly authProvider?: vscode.AuthenticationProvider;
}

export function createApi({ deps, withTestHooks, cache, activationMs = () => 0, authProvider }: ApiOptions): {
  api: ReactionsExports;
  disposable: vscode.Disposable;
} {
  const { store, accounts, listings, tree } = deps;
  const changed = new vscode.EventEmitter<void>();
  const storeSub = store.onDidChange(() => changed.fire());
  const accountsSub = accounts.onDidChange(() => changed.fire());
  const api: ReactionsApi = {
    accounts: () => accounts.list(),
    reactions: (accountId) => store.all(accountId),
    onDidChange: changed.event,
  };
  const testing: ReactionsTestHooks | undefined = withTestHooks
    ? {
        tree,
        whenIdle: () => listings.whenIdle(),
        loadState: (id) => {
          const s = listings.state(id);
          return {
            status: s.status,
            error: s.error?.message,
            errorKind: s.error?.kind,
            cachedAt: s.cachedAt?.toISOString(),
            cachedPartial: s.cachedPartial,
            partial: s.partial?.reason,
            notRefreshed: s.notRefreshed?.reason,
            progress: listings.progress(id),
          };
        },
        isReauthPending: (id) => accounts.isReauthPending(id),
        onDidPromptReauth: accounts.onDidPromptReauth,
        get activationMs() {
          return activationMs();
        },
        cacheFile: (id) => {
          if (!cache) throw new Error('no reaction cache in this session');
          return cache.cache.fileOf(id);
        },
        flushCache: async () => cache?.flush(),
        reloadFromCache: () => listings.reloadFromCache(),
        setBrowser: (opener) => accounts.setBrowserOpener(opener),
        deliverCallback: async (query) => {
          const { CALLBACK_PATH } = await import('./auth/browserCallback');
          accounts.uriHandler.handleUri(
            vscode.Uri.from({
              scheme: vscode.env.uriScheme,
              authority: 'reactions-dev.reactions-vscode',
              path: CALLBACK_PATH,
              query,
            }),
          );
        },
        isSignInWaiting: () => accounts.isSignInWaiting,
        callbackUri: async () => (await accounts.browser()).callbackUri(),
        authSessions: async (scopes) => (authProvider ? authProvider.getSessions(scopes, {}) : []),
        journalFile: () => deps.journal.file,
        viewText: () => ({ description: deps.view.description, message: deps.view.message }),
        loadAllCommands: async () => {
          await Promise.all(lazyFamilies().map((f) => f.load()));
          return lazyFamilies().flatMap((f) => f.ids);
        },
        contextKey: (key) => deps?.keys.get(key as ContextKey) ?? false,
        reloadJournal: async () => {
          const d = deps as { journal: RestoreJournal };
          await d.journal.flush();
          d.journal = new RestoreJournal(d.journal.file, d.journal.options);
          return (await d.journal.list()).map((b) => b.id);
        },
      }
    : undefined;
  return {
    api: testing ? { ...api, testing } : api,
    disposable: vscode.Disposable.from(changed, { dispose: () => storeSub.dispose() }, accountsSub),
  };
}
