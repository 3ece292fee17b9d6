/**
 * Sessions: what turns a stored account into working requests. HTTP options come from the settings;
 * one cached client per account (rebuilt after a settings change); one TokenSource per account hands
 * out its current token (a pasted one as it is, OAuth ones renewed before expiry and after a 401, one
 * renewal at a time); a token changed in another window is read again before the next request; and
 * OAuth tokens are revoked on the community (best effort) when a sign-in ends.
 */
import { join } from 'path';
import * as vscode from 'vscode';
import { TokenSource, type OAuthCredentials } from '../../core/auth/credentials';
import type { Account } from '../../core/model';
import { provider } from '../../core/services/registry';
import type { AccountService, ClientOptions } from '../../core/services/service';
import { errorMessage } from '../errorMessage';
import type { OutputLogger } from '../outputLogger';
import type { AccountRepository } from './repository';

/** The OAuth client: loaded by the first renewal or revocation (pasted tokens never need it). */
const oauth = () => import('../../core/auth/oauth');

/** How long sign-out waits for the community to confirm the revocation. */
const REVOKE_TIMEOUT_MS = 5_000;

export class AccountSessions implements vscode.Disposable {
  private readonly clients = new Map<string, AccountService>();
  private readonly sources = new Map<string, TokenSource>();
  private readonly tokenRenewed = new vscode.EventEmitter<Account>();
  private readonly disposables: vscode.Disposable[] = [this.tokenRenewed];

  /** An OAuth access token was renewed (or changed in another window): sessions changed, nothing to reload. */
  readonly onDidRenewToken = this.tokenRenewed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly repository: AccountRepository,
    private readonly logger: OutputLogger,
  ) {
    this.disposables.push(
      context.secrets.onDidChange((e) => {
        // Another window (or a renewal here) changed a token: read it again before the next request.
        this.sources.get(e.key)?.invalidate();
        const account = this.repository.get(e.key);
        if (account) {
          this.logger.debug(`token of ${e.key} changed in secret storage`);
          this.tokenRenewed.fire(account);
        }
      }),
    );
  }

  /** Options for every HTTP client, from the settings; the logger redacts every known token. */
  clientOptions(): ClientOptions {
    const config = vscode.workspace.getConfiguration('reactions');
    const maxConcurrency = Math.min(32, Math.max(1, Math.floor(config.get<number>('maxConcurrency', 8)) || 8));
    const timeoutSeconds = Math.min(600, Math.max(1, config.get<number>('requestTimeoutSeconds', 20) || 20));
    const maxMegabytes = Math.min(1024, Math.max(1, Math.floor(config.get<number>('maxResponseMegabytes', 16)) || 16));
    const version = (this.context.extension?.packageJSON as { version?: string } | undefined)?.version ?? '0';
    return {
      maxConcurrency,
      timeoutMs: timeoutSeconds * 1000,
      maxResponseBytes: maxMegabytes * 1024 * 1024,
      logger: this.logger,
      userAgent: `reactions-vscode/${version} (VS Code ${vscode.version})`,
      // one write per reaction in every window of this machine; proven Tines keys seen by every window
      writeLockDir: join(this.context.globalStorageUri.fsPath, 'write-locks'),
      keyProofs: this.repository.keyProofs,
    };
  }

  /** The per-account client (cached; rebuilt after a settings change). */
  client(id: string): AccountService {
    let c = this.clients.get(id);
    if (!c) {
      const account = this.repository.require(id);
      const source = this.tokenSource(account);
      c = provider(account.service).connect(account, () => source.token(), {
        ...this.clientOptions(),
        onUnauthorized: (rejected) => source.unauthorized(rejected),
      });
      this.clients.set(id, c);
    }
    return c;
  }

  /** Forgets the cached clients (settings changed). */
  resetClients(): void {
    this.clients.clear();
  }

  /** Hands out an account's current token: a pasted one as it is, OAuth ones renewed when due. */
  tokenSource(account: Account): TokenSource {
    let source = this.sources.get(account.id);
    if (!source) {
      source = new TokenSource(account.id, this.context.secrets, {
        label: account.label,
        logger: this.logger,
        onSecret: (s) => this.logger.addSecret(s),
        refresh: async (c) =>
          new (await oauth()).OAuthClient(account.baseUrl, c.clientId, this.clientOptions()).refresh(c.refreshToken),
      });
      this.sources.set(account.id, source);
    }
    return source;
  }

  /** The stored token changed (saved here): the next request reads it, through a new client. */
  replaced(id: string): void {
    this.sources.get(id)?.invalidate();
    this.clients.delete(id);
  }

  /** The account is gone: its client and token source go too. */
  forget(id: string): void {
    this.sources.delete(id);
    this.clients.delete(id);
  }

  /** Asks the community to revoke OAuth tokens; never throws (sign-out goes on regardless). */
  async revoke(account: Pick<Account, 'id' | 'baseUrl'>, c: OAuthCredentials): Promise<boolean> {
    try {
      const client = new (await oauth()).OAuthClient(account.baseUrl, c.clientId, {
        ...this.clientOptions(),
        timeoutMs: REVOKE_TIMEOUT_MS,
      });
      // The refresh token first: revoking it also ends the access token it belongs to.
      if (c.refreshToken) await client.revoke(c.refreshToken, 'refresh_token');
      await client.revoke(c.accessToken, 'access_token');
      this.logger.info(`revoked the OAuth tokens of ${account.id}`);
      return true;
    } catch (e) {
      this.logger.warn(
        `could not revoke the OAuth tokens of ${account.id} (they are deleted here anyway and expire on their own): ${errorMessage(e)}`,
      );
      return false;
    }
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
