/**
 * Lists reactions per account into the store: one scan per account at a time (a refresh supersedes a
 * running one), batches stream into the store as they arrive, progress shows in the view, and an
 * error becomes the account's state (shown as a tree node) rather than a toast. Automatic loads (the
 * view became visible) never prompt; user-started ones may offer "Update Token" once on a 401.
 */
import * as vscode from 'vscode';
import { ReactionsError, isReactionsError } from '../core/errors';
import type { ReactionStore } from '../core/store';
import { errorMessage, type AccountManager } from './accounts';
import type { OutputLogger } from './log';

export const VIEW_ID = 'reactions.tree';

export type LoadStatus = 'idle' | 'loading' | 'loaded' | 'error';

export interface AccountLoadState {
  readonly status: LoadStatus;
  /** Reactions found by the current (or last) scan. */
  readonly found: number;
  readonly error?: ReactionsError;
  readonly finishedAt?: Date;
}

interface Running {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

export interface LoadOptions {
  /** A person asked for it (Refresh, a command): a 401 may prompt for a new token. */
  interactive?: boolean;
}

function asReactionsError(e: unknown): ReactionsError {
  return e instanceof ReactionsError ? e : new ReactionsError('bad-response', errorMessage(e));
}

export class Loader implements vscode.Disposable {
  private readonly states = new Map<string, AccountLoadState>();
  private readonly running = new Map<string, Running>();
  private readonly changed = new vscode.EventEmitter<string>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** Fires with the account id whose load state changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly accounts: AccountManager,
    private readonly store: ReactionStore,
    private readonly logger: OutputLogger,
  ) {
    this.disposables.push(
      accounts.onDidChange(() => this.forgetRemoved()),
      accounts.onDidUpdateToken((a) => void this.load([a.id], { interactive: true })),
    );
  }

  state(accountId: string): AccountLoadState {
    return this.states.get(accountId) ?? { status: 'idle', found: 0 };
  }

  /** Any account loading, or not loaded yet (the tree has nothing to say about it yet). */
  get busy(): boolean {
    return this.accounts.list().some((a) => {
      const s = this.state(a.id).status;
      return s === 'loading' || s === 'idle';
    });
  }

  isLoading(accountId: string): boolean {
    return this.running.has(accountId);
  }

  /** Loads the accounts never loaded so far (the view became visible). Never prompts. */
  ensureLoaded(): Promise<void> {
    const ids = this.accounts
      .list()
      .filter((a) => this.state(a.id).status === 'idle' && !this.running.has(a.id))
      .map((a) => a.id);
    return ids.length ? this.load(ids, { interactive: false }) : Promise.resolve();
  }

  /** Waits for every running load (without starting any). */
  async whenIdle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** (Re)loads the given accounts (all when none given) and resolves when every one has finished. */
  load(accountIds?: readonly string[], options: LoadOptions = {}): Promise<void> {
    const ids = accountIds ?? this.accounts.list().map((a) => a.id);
    if (ids.length === 0) return Promise.resolve();
    const all = Promise.all(ids.map((id) => this.start(id, options))).then(() => undefined);
    void vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => all);
    return all;
  }

  /** Stops a running load (the account keeps what was found so far). */
  cancel(accountId: string): void {
    this.running.get(accountId)?.controller.abort();
  }

  private start(accountId: string, options: LoadOptions): Promise<void> {
    this.cancel(accountId);
    const controller = new AbortController();
    const done = this.scan(accountId, controller, options).finally(() => {
      if (this.running.get(accountId)?.controller === controller) this.running.delete(accountId);
    });
    this.running.set(accountId, { controller, done });
    return done;
  }

  private async scan(accountId: string, controller: AbortController, options: LoadOptions): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account) return;
    const previous = this.states.get(accountId);
    this.setState(accountId, { status: 'loading', found: 0, finishedAt: previous?.finishedAt });
    const scan = this.store.beginScan(accountId);
    const started = Date.now();
    let found = 0;
    this.logger.info(`listing reactions of ${account.label}`);
    try {
      const client = this.accounts.client(accountId);
      for await (const batch of client.listReactions(controller.signal)) {
        if (controller.signal.aborted) break;
        scan.add(batch);
        found += batch.length;
        this.setState(accountId, { status: 'loading', found, finishedAt: previous?.finishedAt });
      }
      if (controller.signal.aborted) throw new ReactionsError('cancelled', 'The listing was cancelled.');
      scan.finish();
      this.logger.info(`found ${found} reaction(s) of ${account.label} in ${Date.now() - started} ms`);
      this.setState(accountId, { status: 'loaded', found, finishedAt: new Date() });
    } catch (e) {
      scan.abandon();
      if (controller.signal.aborted || isReactionsError(e, 'cancelled')) {
        // Superseded by a newer load, or the account was removed: that one owns the state now.
        if (!this.running.has(accountId) || this.running.get(accountId)?.controller === controller) {
          if (this.accounts.get(accountId)) this.setState(accountId, { status: found || previous ? 'loaded' : 'idle', found, finishedAt: previous?.finishedAt });
        }
        this.logger.info(`listing of ${account.label} stopped after ${found} reaction(s)`);
        return;
      }
      const error = asReactionsError(e);
      this.logger.error(`listing reactions of ${account.label} failed after ${found} found: ${error.message}`);
      this.setState(accountId, { status: 'error', found, error, finishedAt: new Date() });
      this.accounts.handleAuthError(accountId, error, !!options.interactive);
    }
  }

  private setState(accountId: string, state: AccountLoadState): void {
    this.states.set(accountId, state);
    this.changed.fire(accountId);
  }

  private forgetRemoved(): void {
    const known = new Set(this.accounts.list().map((a) => a.id));
    for (const id of [...this.states.keys()]) {
      if (!known.has(id)) {
        this.cancel(id);
        this.states.delete(id);
        this.changed.fire(id);
      }
    }
    // A newly added account: load it right away (the person just added it).
    for (const id of known) {
      if (!this.states.has(id) && !this.running.has(id)) void this.load([id], { interactive: true });
    }
  }

  dispose(): void {
    for (const r of this.running.values()) r.controller.abort();
    this.disposables.forEach((d) => d.dispose());
  }
}
