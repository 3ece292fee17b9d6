/**
 * The browser half of the OAuth sign-in: builds the consent-page address, opens it, and waits for the
 * community to send the browser back. Where it comes back depends on where the extension host runs:
 *
 * - **loopback** (RFC 8252 §7.3) when the host runs on the user's machine (desktop VS Code, not
 *   remote): a one-shot server on `http://127.0.0.1:<port>/oauth-callback` (core/oauthLoopback). A
 *   community registers `http://127.0.0.1/oauth-callback` once; any port matches. Works with a stock
 *   Django OAuth Toolkit, which refuses `vscode://` redirect URIs by default.
 * - **editor**: VS Code's own callback, through `registerUriHandler`, its address from
 *   `env.asExternalUri` — remote and browser-hosted VS Code (code-server turns it into
 *   `https://<host>/callback?vscode-…`), and desktop when the user picks `vscode://` in the
 *   `reactions.signInRedirect` setting.
 *
 * One sign-in waits at a time: starting another ends the first. An answer whose `state` is not the
 * one we sent ends the waiting sign-in with a message and is otherwise ignored.
 */
import * as vscode from 'vscode';
import { ReactionsError, cancelled } from '../../core/errors';
import {
  LOOPBACK_PATH,
  LOOPBACK_REGISTERED_URI,
  authorizeUrl,
  codeFromCallback,
  createPkce,
  createState,
  parseCallback,
  refusesPkce,
  type CallbackResult,
} from '../../core/auth/oauth';
import type { LoopbackReceiver } from '../../core/auth/oauthLoopback';
import type { OutputLogger } from '../outputLogger';

export const CALLBACK_PATH = LOOPBACK_PATH;
/** How long we wait for the browser before giving up (the loopback server has its own, shorter wait). */
const WAIT_MS = 15 * 60_000;

/** Where the browser comes back: see the file's comment. */
export type RedirectKind = 'loopback' | 'editor';

/** `reactions.signInRedirect`: "auto" (loopback where possible), or "vscode" (always the editor's own). */
export type RedirectSetting = 'auto' | 'vscode';

/**
 * Loopback only when the extension host runs on the machine of the browser the consent page opens in:
 * a desktop UI and no remote (SSH, WSL, containers and browser-hosted VS Code run it elsewhere).
 */
export function chooseRedirect(
  env: { readonly uiKind: vscode.UIKind; readonly remoteName: string | undefined },
  setting: RedirectSetting | undefined,
): RedirectKind {
  if (setting === 'vscode') return 'editor';
  return env.uiKind === vscode.UIKind.Desktop && !env.remoteName ? 'loopback' : 'editor';
}

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
  /** The loopback server takes this sign-in's answer; the URI handler does not. */
  readonly loopback: boolean;
  resolve(result: CallbackResult): void;
  reject(error: unknown): void;
}

/** VS Code opens the system browser (or a tab in web). */
const openExternal: BrowserOpener = (url) =>
  // A string, not a Uri: VS Code re-encodes a Uri's query on the way to the browser, which breaks a
  // redirect_uri that has a query of its own (code-server's callback). A string is passed as is.
  vscode.env.openExternal(url as unknown as vscode.Uri);

export class BrowserCallback implements vscode.UriHandler, vscode.Disposable {
  private waiting: Waiting | undefined;

  constructor(
    private readonly extensionId: string,
    private readonly logger: OutputLogger,
    /** Tests replace the browser (undefined: VS Code's). */
    private readonly replacedOpener: () => BrowserOpener | undefined = () => undefined,
  ) {}

  /** Which redirect this VS Code uses now (environment + setting). */
  redirectKind(): RedirectKind {
    const setting = vscode.workspace.getConfiguration('reactions').get<RedirectSetting>('signInRedirect');
    return chooseRedirect(vscode.env, setting);
  }

  /** VS Code's own callback address (the URI handler's), as the browser sees it. */
  async callbackUri(): Promise<string> {
    const local = vscode.Uri.parse(`${vscode.env.uriScheme}://${this.extensionId}${CALLBACK_PATH}`);
    const external = await vscode.env.asExternalUri(local);
    return external.toString(true);
  }

  /**
   * The ONE redirect URI to register for the OAuth app here. Loopback: `http://127.0.0.1/oauth-callback`
   * (no port: any port matches). A browser-hosted VS Code numbers each callback
   * (`?vscode-reqid=…&vscode-scheme=…`); communities (Django OAuth Toolkit) accept extra query
   * parameters on a registered URI, so the address without its query is what to register.
   */
  async registrableCallbackUri(): Promise<string> {
    if (this.redirectKind() === 'loopback') return LOOPBACK_REGISTERED_URI;
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
    const loopback = this.redirectKind() === 'loopback';
    const community = new URL(baseUrl).host;
    const state = createState();
    const pkce = usePkce ? createPkce() : undefined;
    this.logger.addSecret(state);
    this.logger.addSecret(pkce?.verifier);

    this.waiting?.reject(
      new ReactionsError('cancelled', vscode.l10n.t('Another sign-in was started; this one was cancelled.')),
    );
    const subs: vscode.Disposable[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let receiver: LoopbackReceiver | undefined;
    const answer = new Promise<CallbackResult>((resolve, reject) => {
      this.waiting = { state, loopback, resolve, reject };
      if (!loopback) {
        timer = setTimeout(
          () =>
            reject(
              new ReactionsError(
                'timeout',
                WAIT_MS / 60_000 === 1
                  ? vscode.l10n.t(
                      'No answer from the browser within {0} minute; nothing was stored. Start the sign-in again.',
                      WAIT_MS / 60_000,
                    )
                  : vscode.l10n.t(
                      'No answer from the browser within {0} minutes; nothing was stored. Start the sign-in again.',
                      WAIT_MS / 60_000,
                    ),
              ),
            ),
          WAIT_MS,
        );
      }
      if (cancel) subs.push(cancel.onCancellationRequested(() => reject(cancelled())));
    });
    answer.catch(() => {}); // awaited below, unless opening the browser failed first
    try {
      let redirectUri: string;
      if (loopback) {
        const { listenForCallback } = await import('../../core/auth/oauthLoopback'); // the server: first use only
        receiver = await listenForCallback({ state, community });
        receiver.answer.then(this.waiting!.resolve, this.waiting!.reject);
        redirectUri = receiver.redirectUri;
      } else {
        redirectUri = await this.callbackUri();
      }
      const url = authorizeUrl({ baseUrl, clientId, redirectUri, state, pkce });
      this.logger.info(
        `opening the consent page of ${community} (client ${clientId}, callback ${redirectUri.split('?')[0]})`,
      );
      const opened = await (this.replacedOpener() ?? openExternal)(url);
      if (!opened)
        throw new ReactionsError('cancelled', vscode.l10n.t('The browser was not opened; nothing was stored.'));
      const result = await answer;
      if (pkce && refusesPkce(result) && result.state === state) {
        this.logger.info('the community does not take PKCE; asking again without it');
        receiver?.close();
        return this.authorize(baseUrl, clientId, cancel, false);
      }
      const code = codeFromCallback(result, state, community);
      this.logger.addSecret(code);
      return { code, redirectUri, verifier: pkce?.verifier };
    } finally {
      receiver?.close();
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
    if (!waiting || waiting.loopback) {
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
