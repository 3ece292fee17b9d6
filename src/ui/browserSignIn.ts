/**
 * The browser half of the OAuth sign-in: builds the consent-page address, opens it, and waits for the
 * community to send the browser back to our callback URI. The callback arrives through
 * `registerUriHandler`; its address comes from `env.asExternalUri`, so it also works in remote and
 * browser-hosted VS Code (code-server turns it into `https://<host>/callback?vscode-…`).
 *
 * One sign-in waits at a time: starting another ends the first. An answer whose `state` is not the
 * one we sent ends the waiting sign-in with a message and is otherwise ignored.
 */
import * as vscode from 'vscode';
import { ReactionsError, cancelled } from '../core/errors';
import {
  authorizeUrl,
  codeFromCallback,
  createPkce,
  createState,
  parseCallback,
  refusesPkce,
  type CallbackResult,
} from '../core/oauth';
import type { OutputLogger } from './log';

export const CALLBACK_PATH = '/oauth-callback';
/** How long we wait for the browser before giving up. */
const WAIT_MS = 15 * 60_000;

export interface Grant {
  readonly code: string;
  /** Sent again with the code: it must equal the one on the consent page. */
  readonly redirectUri: string;
  readonly verifier?: string;
}

/** Opens a URL in the browser; resolves false when it could not. */
export type BrowserOpener = (url: string) => Thenable<boolean>;

interface Waiting {
  readonly state: string;
  resolve(result: CallbackResult): void;
  reject(error: unknown): void;
}

export class BrowserSignIn implements vscode.UriHandler, vscode.Disposable {
  private waiting: Waiting | undefined;
  /** Tests replace the browser; by default VS Code opens the system browser (or a tab in web). */
  opener: BrowserOpener = (url) =>
    // A string, not a Uri: VS Code re-encodes a Uri's query on the way to the browser, which breaks a
    // redirect_uri that has a query of its own (code-server's callback). A string is passed as is.
    vscode.env.openExternal(url as unknown as vscode.Uri);

  constructor(
    private readonly extensionId: string,
    private readonly logger: OutputLogger,
  ) {}

  /** The address the community sends the browser back to (what an admin registers for the app). */
  async callbackUri(): Promise<string> {
    const local = vscode.Uri.parse(`${vscode.env.uriScheme}://${this.extensionId}${CALLBACK_PATH}`);
    const external = await vscode.env.asExternalUri(local);
    return external.toString(true);
  }

  /**
   * The redirect URI to register for the OAuth app. A browser-hosted VS Code numbers each callback
   * (`?vscode-reqid=…&vscode-scheme=…`); communities (Django OAuth Toolkit) accept extra query
   * parameters on a registered URI, so the address without its query is what to register.
   */
  async registrableCallbackUri(): Promise<string> {
    const uri = await this.callbackUri();
    return /[?&]vscode-reqid=/.test(uri) ? uri.split('?')[0] : uri;
  }

  /**
   * Opens the consent page and resolves with the authorization code, or rejects: 'cancelled' (the
   * person cancelled or denied, or another sign-in started), 'unsafe' (wrong state), 'client' (the
   * community refused), 'timeout'.
   */
  async authorize(
    baseUrl: string,
    clientId: string,
    cancel?: vscode.CancellationToken,
    usePkce = true,
  ): Promise<Grant> {
    const redirectUri = await this.callbackUri();
    const state = createState();
    const pkce = usePkce ? createPkce() : undefined;
    const url = authorizeUrl({ baseUrl, clientId, redirectUri, state, pkce });
    this.logger.addSecret(state);
    this.logger.addSecret(pkce?.verifier);

    this.waiting?.reject(
      new ReactionsError('cancelled', vscode.l10n.t('Another sign-in was started; this one was cancelled.')),
    );
    const subs: vscode.Disposable[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<CallbackResult>((resolve, reject) => {
      this.waiting = { state, resolve, reject };
      timer = setTimeout(
        () =>
          reject(
            new ReactionsError(
              'timeout',
              vscode.l10n.t(
                'No answer from the browser within {0} minutes; nothing was stored. Start the sign-in again.',
                WAIT_MS / 60_000,
              ),
            ),
          ),
        WAIT_MS,
      );
      if (cancel) subs.push(cancel.onCancellationRequested(() => reject(cancelled())));
    });
    try {
      this.logger.info(
        `opening the consent page of ${new URL(url).host} (client ${clientId}, callback ${redirectUri.split('?')[0]})`,
      );
      const opened = await this.opener(url);
      if (!opened)
        throw new ReactionsError('cancelled', vscode.l10n.t('The browser was not opened; nothing was stored.'));
      const result = await answer;
      if (pkce && refusesPkce(result) && result.state === state) {
        this.logger.info('the community does not take PKCE; asking again without it');
        return this.authorize(baseUrl, clientId, cancel, false);
      }
      const code = codeFromCallback(result, state, new URL(baseUrl).host);
      this.logger.addSecret(code);
      return { code, redirectUri, verifier: pkce?.verifier };
    } finally {
      clearTimeout(timer);
      subs.forEach((s) => s.dispose());
      if (this.waiting?.state === state) this.waiting = undefined;
    }
  }

  /** Whether a sign-in is waiting for the browser (tests, status). */
  get isWaiting(): boolean {
    return !!this.waiting;
  }

  handleUri(uri: vscode.Uri): void {
    if (uri.path !== CALLBACK_PATH) {
      this.logger.warn(`ignored a link to ${uri.path}: not a sign-in answer`);
      return;
    }
    const result = parseCallback(uri.query);
    this.logger.addSecret(result.code);
    const waiting = this.waiting;
    if (!waiting) {
      this.logger.warn('a sign-in answer arrived but no sign-in is waiting; ignored');
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'A SelfCommunity sign-in answer arrived, but no sign-in is waiting for it. It was ignored; nothing was stored.',
        ),
      );
      return;
    }
    // The state is checked by the waiting sign-in (codeFromCallback): a wrong one ends it with a message.
    this.waiting = undefined;
    waiting.resolve(result);
  }

  dispose(): void {
    this.waiting?.reject(cancelled());
    this.waiting = undefined;
  }
}
