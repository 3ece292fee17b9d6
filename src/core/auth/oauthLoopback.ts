/**
 * The loopback redirect of a native app (RFC 8252 §7.3): a one-shot HTTP server on 127.0.0.1 on a
 * port the system picks, that waits for exactly ONE browser answer at `/oauth-callback`. The
 * community sends the browser to `http://127.0.0.1:<port>/oauth-callback?code=…&state=…`; an app
 * registered with `http://127.0.0.1/oauth-callback` (no port) accepts any port (Django OAuth Toolkit
 * does, as the RFC says).
 *
 * - The `state` is checked here: an answer with another state gets an error page and ends the wait
 *   ('unsafe'); its code is never handed on.
 * - The first answer on the callback path ends it (success page, or an error page for a refusal);
 *   the server stops listening at once. Other paths (favicon) get 404 and do not count.
 * - It also ends on timeout and on abort (Cancel, another sign-in started).
 *
 * Plain Node: nothing here knows about VS Code. The pages are static text: nothing from the query
 * is echoed back.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { ReactionsError, cancelled } from '../errors';
import { LOOPBACK_HOST, LOOPBACK_PATH, checkState, parseCallback, type CallbackResult } from './oauth';

// The addresses live with the OAuth client: the UI names them at activation, this server starts on first use.
export { LOOPBACK_HOST, LOOPBACK_PATH, LOOPBACK_REGISTERED_URI } from './oauth';
/** A person has this long to sign in on the community and press Authorize. */
export const LOOPBACK_WAIT_MS = 5 * 60_000;

export interface LoopbackOptions {
  /** The `state` sent on the consent page; an answer with another one is refused. */
  readonly state: string;
  /** "community.example.com": used in messages. */
  readonly community: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface LoopbackReceiver {
  /** `http://127.0.0.1:<port>/oauth-callback`: the redirect_uri of this one sign-in. */
  readonly redirectUri: string;
  /**
   * The browser's answer (state already checked): a code, or the community's error (denied, …).
   * Rejects 'unsafe' (wrong state), 'timeout', 'cancelled' (aborted).
   */
  readonly answer: Promise<CallbackResult>;
  /** Stops listening (idempotent); a wait still pending ends 'cancelled'. */
  close(): void;
}

const STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;max-width:34em;margin:4em auto;padding:0 1em;color:#222}h1{font-size:1.3em}';

function page(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
}

const PAGES = {
  ok: page('Signed in', 'Reactions received the answer. You can close this tab and return to VS Code.'),
  denied: page(
    'Sign-in not completed',
    'The community did not authorize Reactions; nothing was stored. You can close this tab and return to VS Code.',
  ),
  wrongState: page(
    'This answer was refused',
    'It does not belong to the sign-in VS Code is waiting for, so it was ignored and nothing was stored. Close this tab and start the sign-in again in VS Code.',
  ),
};

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    Connection: 'close',
  });
  res.end(body);
}

/** Starts listening on 127.0.0.1 (a free port) for one answer. */
export async function listenForCallback(options: LoopbackOptions): Promise<LoopbackReceiver> {
  if (options.signal?.aborted) throw cancelled();
  let settle: { resolve(r: CallbackResult): void; reject(e: unknown): void } | undefined;
  const answer = new Promise<CallbackResult>((resolve, reject) => (settle = { resolve, reject }));
  answer.catch(() => {}); // the caller may close before it awaits
  let done = false;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}`);
    if (done || url.pathname !== LOOPBACK_PATH) return send(res, 404, page('Not found', 'Nothing here.'));
    if (req.method !== 'GET') return send(res, 405, page('Not allowed', 'Only the browser redirect is answered.'));
    const result = parseCallback(url.search);
    try {
      checkState(result, options.state);
    } catch (e) {
      send(res, 400, PAGES.wrongState);
      return finish(e);
    }
    send(res, result.code && !result.error ? 200 : 400, result.code && !result.error ? PAGES.ok : PAGES.denied);
    finish(undefined, result);
  });

  function finish(error: unknown, result?: CallbackResult): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    // Stop accepting; the answer page already sent finishes on its own connection.
    server.close();
    server.closeIdleConnections();
    if (result) settle!.resolve(result);
    else settle!.reject(error);
  }
  const onAbort = () => finish(cancelled());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const timeoutMs = options.timeoutMs ?? LOOPBACK_WAIT_MS;
  const timer = setTimeout(
    () =>
      finish(
        new ReactionsError(
          'timeout',
          `No answer from ${options.community} in the browser within ${Math.round(timeoutMs / 1000)} s; nothing was stored. Start the sign-in again.`,
        ),
      ),
    timeoutMs,
  );
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();
  return {
    redirectUri: `http://${LOOPBACK_HOST}:${port}${LOOPBACK_PATH}`,
    answer,
    close: () => finish(cancelled()),
  };
}
