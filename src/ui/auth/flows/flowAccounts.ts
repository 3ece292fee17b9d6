/**
 * What the interactive account flows need from the accounts: a small interface, so that the flows do
 * not import AccountManager (which opens them) and no import circle forms. AccountManager implements it.
 */
import type * as vscode from 'vscode';
import type { Credentials } from '../../../core/auth/credentials';
import type { Account, ServiceId } from '../../../core/model';
import type { SignInInput } from '../../../core/services/service';
import type { OutputLogger } from '../../outputLogger';

export interface FlowAccounts {
  /** Where the flows log, and learn each secret typed so that it never shows in a log line. */
  readonly logger: OutputLogger;
  /** What the last sign-in remembered (prefills of the browser sign-in). */
  readonly repository: {
    lastCommunity(): string;
    rememberedClientId(baseUrl: string): string | undefined;
  };
  /** The browser callback (loaded on first use): the redirect URI a community must register. */
  browser(): Promise<{ registrableCallbackUri(): Promise<string> }>;
  list(): Account[];
  /** Validates the token with the service; stores nothing. */
  signIn(service: ServiceId, input: SignInInput): Promise<Account>;
  save(account: Account, credentials: Credentials | string): Promise<void>;
  remove(id: string): Promise<void>;
  updateToken(id: string, token: string): Promise<Account>;
  signInWithBrowser(
    args: { baseUrl: string; clientId: string },
    cancel?: vscode.CancellationToken,
    expect?: Account,
  ): Promise<Account>;
}
