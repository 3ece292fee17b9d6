/**
 * The API `activate()` returns (`vscode.extensions.getExtension('reactions-dev.reactions-vscode').exports`).
 * Read-only: it never exposes a token. To change things, run the `reactions.*` commands, which accept
 * plain-object arguments (see src/ui/commands/*.ts).
 */
import * as vscode from 'vscode';
import type { Account, Reaction } from '../core/model';
import type { ReactionStore } from '../core/store';
import type { AccountManager } from './accounts';
import type { Loader } from './loader';
import type { TreeNode } from './tree/node';
import type { ReactionsTreeProvider } from './tree/provider';

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
 * development mode (or with REACTIONS_TEST_HOOKS=1). Not a stable API.
 */
export interface ReactionsTestHooks {
  readonly tree: vscode.TreeDataProvider<TreeNode> & { flush(): void };
  /** Resolves when no listing is running. */
  whenIdle(): Promise<void>;
  /** Load state of an account: idle / loading / loaded / error (+ the error message). */
  loadState(accountId: string): { status: string; error?: string; errorKind?: string };
  isReauthPending(accountId: string): boolean;
}

export type ReactionsExports = ReactionsApi & { readonly testing?: ReactionsTestHooks };

export function createApi(
  store: ReactionStore,
  accounts: AccountManager,
  loader: Loader,
  tree: ReactionsTreeProvider,
  withTestHooks: boolean,
): { api: ReactionsExports; disposable: vscode.Disposable } {
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
        whenIdle: () => loader.whenIdle(),
        loadState: (id) => {
          const s = loader.state(id);
          return { status: s.status, error: s.error?.message, errorKind: s.error?.kind };
        },
        isReauthPending: (id) => accounts.isReauthPending(id),
      }
    : undefined;
  return {
    api: testing ? { ...api, testing } : api,
    disposable: vscode.Disposable.from(changed, { dispose: () => storeSub.dispose() }, accountsSub),
  };
}
