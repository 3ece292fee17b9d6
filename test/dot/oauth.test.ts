/**
 * The product's OAuth core against a REAL Django OAuth Toolkit (Debian's python3-django-oauth-toolkit,
 * stock, in a throwaway project: see dotserver.py): the desktop sign-in through the loopback redirect
 * with a scripted browser, renewal before expiry and on 401, rotation, revocation, Deny, a wrong state,
 * and the redirect URIs a community admin registers. Counts are taken on the server (its request log and
 * DOT's token tables), not from the client.
 */
import * as assert from 'assert';
import { HttpClient } from '../../src/core/http';
import { serializeCredentials, TokenSource, type OAuthCredentials } from '../../src/core/auth/credentials';
import { ReactionsError } from '../../src/core/errors';
import { authorizeUrl, codeFromCallback, createPkce, createState, OAuthClient } from '../../src/core/auth/oauth';
import { LOOPBACK_REGISTERED_URI, listenForCallback } from '../../src/core/auth/oauthLoopback';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { ScriptedBrowser, startDot, type DotServer } from './harness';

const OPTIONS = { retries: 0, timeoutMs: 10_000 };

interface Landing {
  status: number;
  text: string;
}

describe('DOT: SelfCommunity sign-in against stock Django OAuth Toolkit', function () {
  this.timeout(60_000);
  let dot: DotServer;
  let browser: ScriptedBrowser;
  let community: string;

  before(async function () {
    this.timeout(120_000);
    dot = await startDot();
    community = new URL(dot.baseUrl).host;
    browser = new ScriptedBrowser(dot);
    await browser.logIn();
    this.test!.parent!.title += ` (DOT ${dot.versions.dot}, Django ${dot.versions.django})`;
  });
  after(async () => dot?.close());

  /** The token-endpoint requests the server saw since `mark` (an index into its log). */
  async function tokenPosts(mark: number, grant?: string) {
    return (await dot.log())
      .slice(mark)
      .filter((e) => e.path === '/oauth/token/' && e.method === 'POST' && (!grant || e.grant_type === grant));
  }

  /**
   * The desktop sign-in as the extension does it: the loopback server, the consent page in the
   * "browser" (Authorize or Cancel), the browser follows the redirect to the loopback server, then the
   * code is exchanged. `tamper` changes where the browser is sent (a forged answer).
   */
  async function loopbackSignIn(
    opts: { allow?: boolean; tamper?: (location: string) => string; now?: () => number } = {},
  ) {
    const state = createState();
    const pkce = createPkce();
    const receiver = await listenForCallback({ state, community, timeoutMs: 30_000 });
    try {
      const location = await browser.consent(
        authorizeUrl({ baseUrl: dot.baseUrl, clientId: dot.clientId, redirectUri: receiver.redirectUri, state, pkce }),
        opts.allow ?? true,
      );
      const sentTo = opts.tamper ? opts.tamper(location) : location;
      const res = await fetch(sentTo);
      const landing: Landing = { status: res.status, text: await res.text() };
      const outcome = receiver.answer.then((result) => {
        const code = codeFromCallback(result, state, community);
        const client = new OAuthClient(dot.baseUrl, dot.clientId, OPTIONS, opts.now);
        return client.exchangeCode(code, receiver.redirectUri, pkce.verifier);
      });
      return { redirectUri: receiver.redirectUri, location, landing, tokens: await settle(outcome) };
    } finally {
      receiver.close();
    }
  }

  function tokenSource(c: OAuthCredentials, now?: () => number) {
    const store = new Map<string, string>([['acct', serializeCredentials(c)]]);
    const source = new TokenSource(
      'acct',
      { get: async (k) => store.get(k), store: async (k, v) => void store.set(k, v) },
      {
        label: `alice @ ${community}`,
        now,
        refresh: (cr) => new OAuthClient(dot.baseUrl, cr.clientId, OPTIONS, now).refresh(cr.refreshToken),
      },
    );
    const http = new HttpClient(dot.baseUrl, () => source.token(), {
      ...OPTIONS,
      maxConcurrency: 8,
      onUnauthorized: (rejected) => source.unauthorized(rejected),
    });
    return { source, http, stored: () => JSON.parse(store.get('acct')!) as OAuthCredentials };
  }

  async function signedIn(now?: () => number): Promise<OAuthCredentials> {
    const { tokens } = await loopbackSignIn({ now });
    assert.ok(tokens.ok, `signed in: ${tokens.ok ? '' : String(tokens.error)}`);
    return { type: 'oauth', clientId: dot.clientId, ...tokens.value };
  }

  it('an admin can register http://127.0.0.1/oauth-callback (not vscode://) on a stock DOT', () => {
    assert.deepStrictEqual(dot.redirectUris, [
      LOOPBACK_REGISTERED_URI,
      'https://vscode.example.test/stable-0123abcd/callback',
    ]);
    assert.strictEqual(dot.vscodeSchemeVerdict, 'Unauthorized redirect scheme: vscode');
  });

  it('signs in through the loopback redirect on a random port; the tab says it can be closed; the token works', async () => {
    const mark = (await dot.log()).length;
    const r = await loopbackSignIn();
    assert.match(r.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/oauth-callback$/);
    assert.notStrictEqual(new URL(r.redirectUri).port, '', 'a port the registered URI does not name');
    assert.ok(r.location.startsWith(`${r.redirectUri}?`), 'DOT sent the browser to that port');
    assert.strictEqual(r.landing.status, 200);
    assert.match(r.landing.text, /You can close this tab/);
    assert.ok(r.tokens.ok, String(!r.tokens.ok && r.tokens.error));
    const tokens = r.tokens.value;
    assert.ok(tokens.refreshToken, 'a refresh token');
    assert.strictEqual(tokens.scope, 'read write');
    assert.ok(tokens.expiresAt! - tokens.issuedAt! <= dot.accessTokenSeconds * 1000);
    const account = await selfCommunity.signIn({ baseUrl: dot.baseUrl, token: tokens.accessToken }, OPTIONS);
    assert.strictEqual(account.label, `alice @ ${community}`);
    const posts = await tokenPosts(mark);
    assert.deepStrictEqual(
      posts.map((p) => [p.grant_type, p.status]),
      [['authorization_code', 200]],
    );
    // One answer, then the loopback server is gone.
    await assert.rejects(fetch(r.location), 'the loopback server stopped listening');
  });

  it('DOT matches the path: a loopback redirect to another path is refused on the consent page', async () => {
    const url = authorizeUrl({
      baseUrl: dot.baseUrl,
      clientId: dot.clientId,
      redirectUri: 'http://127.0.0.1:45678/elsewhere',
      state: createState(),
      pkce: createPkce(),
    });
    const res = await browser.request(url);
    assert.strictEqual(res.status, 400);
    assert.match(await res.text(), /Mismatching redirect URI|invalid_request/i);
  });

  it('PKCE is required: an authorize request without a challenge is refused', async () => {
    const state = createState();
    const receiver = await listenForCallback({ state, community, timeoutMs: 30_000 });
    try {
      const res = await browser.request(
        authorizeUrl({ baseUrl: dot.baseUrl, clientId: dot.clientId, redirectUri: receiver.redirectUri, state }),
      );
      const back = new URL(res.headers.get('location') ?? '', dot.baseUrl);
      assert.strictEqual(back.searchParams.get('error'), 'invalid_request');
      assert.match(back.searchParams.get('error_description') ?? '', /Code challenge required/);
    } finally {
      receiver.close();
    }
  });

  it('Deny: the tab says so, nothing is exchanged, no token exists', async () => {
    const before = await dot.stats();
    const mark = (await dot.log()).length;
    const r = await loopbackSignIn({ allow: false });
    assert.match(r.location, /error=access_denied/);
    assert.strictEqual(r.landing.status, 400);
    assert.match(r.landing.text, /did not authorize Reactions; nothing was stored/);
    assert.ok(!r.tokens.ok);
    assert.ok(r.tokens.error instanceof ReactionsError && r.tokens.error.kind === 'cancelled');
    assert.match(r.tokens.error.message, /Access was denied/);
    assert.strictEqual((await tokenPosts(mark)).length, 0);
    assert.strictEqual((await dot.stats()).accessTokens, before.accessTokens);
  });

  it('a wrong state: the tab says the answer was refused, the code is never exchanged, and the server is closed', async () => {
    const mark = (await dot.log()).length;
    const before = await dot.stats();
    let genuine = '';
    const r = await loopbackSignIn({
      tamper: (location) => {
        genuine = location;
        const u = new URL(location);
        u.searchParams.set('state', createState());
        return u.toString();
      },
    });
    assert.strictEqual(r.landing.status, 400);
    assert.match(r.landing.text, /does not belong to the sign-in/);
    assert.doesNotMatch(r.landing.text, /You can close this tab/);
    assert.ok(!r.tokens.ok && r.tokens.error instanceof ReactionsError && r.tokens.error.kind === 'unsafe');
    assert.strictEqual((await tokenPosts(mark)).length, 0, 'no code exchange');
    const after = await dot.stats();
    assert.strictEqual(after.grants, before.grants + 1, 'the code is still unused on the server');
    assert.strictEqual(after.accessTokens, before.accessTokens, 'no token was issued');
    // Exactly one answer: the genuine redirect that comes later finds nobody listening.
    await assert.rejects(fetch(genuine));
  });

  it('renews before expiry: one refresh, a new pair stored, the new access token works', async () => {
    let now = Date.now();
    const clock = () => now;
    const c = await signedIn(clock);
    const { source, http, stored } = tokenSource(c, clock);
    const mark = (await dot.log()).length;
    assert.strictEqual(await source.token(), c.accessToken, 'fresh: no renewal');
    now += (dot.accessTokenSeconds - 5) * 1000; // inside the renewal margin (a fifth of the lifetime)
    const renewed = await source.token();
    assert.notStrictEqual(renewed, c.accessToken);
    assert.deepStrictEqual(
      (await tokenPosts(mark)).map((p) => [p.grant_type, p.status]),
      [['refresh_token', 200]],
    );
    assert.notStrictEqual(stored().refreshToken, c.refreshToken, 'the rotated refresh token was stored');
    const me = await http.get<{ username: string }>('/api/v2/user/me/');
    assert.strictEqual(me.username, 'alice');
  });

  it('on 401: 8 concurrent requests cause exactly ONE refresh on the server, and all succeed', async () => {
    const c = await signedIn();
    const { http, stored } = tokenSource(c);
    assert.strictEqual((await http.get<{ username: string }>('/api/v2/user/me/')).username, 'alice');
    await dot.expireAccessTokens();
    const mark = (await dot.log()).length;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => http.get<{ username: string }>('/api/v2/user/me/')),
    );
    assert.deepStrictEqual(
      results.map((r) => r.username),
      Array(8).fill('alice'),
    );
    const log = (await dot.log()).slice(mark);
    assert.deepStrictEqual(
      (await tokenPosts(mark)).map((p) => [p.grant_type, p.status]),
      [['refresh_token', 200]],
      'exactly one refresh',
    );
    assert.ok(
      log.some((e) => e.path === '/api/v2/user/me/' && e.status === 401),
      'DOT refused the expired token',
    );
    assert.strictEqual(log.filter((e) => e.path === '/api/v2/user/me/' && e.status === 200).length, 8);
    assert.notStrictEqual(stored().accessToken, c.accessToken);
  });

  it('rotation: after a refresh the old refresh token is refused (sign in again), the new one works', async () => {
    const c = await signedIn();
    const client = new OAuthClient(dot.baseUrl, dot.clientId, OPTIONS);
    const next = await client.refresh(c.refreshToken!);
    assert.ok(next.refreshToken && next.refreshToken !== c.refreshToken, 'a new refresh token');
    await assert.rejects(client.refresh(c.refreshToken!), (e: unknown) => {
      assert.ok(e instanceof ReactionsError && e.kind === 'auth', String(e));
      assert.match(e.message, /expired or was revoked/);
      return true;
    });
    const again = await client.refresh(next.refreshToken);
    assert.ok(again.accessToken);
  });

  it('sign-out revokes both tokens on the server: the access token is refused, the refresh token too', async () => {
    const c = await signedIn();
    const before = await dot.stats();
    const mark = (await dot.log()).length;
    const client = new OAuthClient(dot.baseUrl, dot.clientId, OPTIONS);
    // What AccountManager.revoke does on Remove Account / Sign Out: the refresh token first, then the access token.
    await client.revoke(c.refreshToken!, 'refresh_token');
    await client.revoke(c.accessToken, 'access_token');
    const revokes = (await dot.log()).slice(mark).filter((e) => e.path === '/oauth/revoke_token/');
    assert.deepStrictEqual(
      revokes.map((e) => e.status),
      [200, 200],
    );
    assert.strictEqual((await dot.stats()).liveRefreshTokens, before.liveRefreshTokens - 1);
    await assert.rejects(
      selfCommunity.signIn({ baseUrl: dot.baseUrl, token: c.accessToken }, OPTIONS),
      (e: unknown) => e instanceof ReactionsError && e.kind === 'auth',
    );
    await assert.rejects(
      client.refresh(c.refreshToken!),
      (e: unknown) => e instanceof ReactionsError && e.kind === 'auth',
    );
  });

  it('browser-hosted VS Code: the registered callback without its query accepts the one with vscode-reqid', async () => {
    const redirectUri =
      'https://vscode.example.test/stable-0123abcd/callback?vscode-reqid=3&vscode-scheme=code-oss&vscode-authority=reactions-dev.reactions-vscode&vscode-path=%2Foauth-callback';
    const state = createState();
    const pkce = createPkce();
    const location = await browser.consent(
      authorizeUrl({ baseUrl: dot.baseUrl, clientId: dot.clientId, redirectUri, state, pkce }),
      true,
    );
    const back = new URL(location);
    assert.strictEqual(back.origin + back.pathname, 'https://vscode.example.test/stable-0123abcd/callback');
    assert.strictEqual(back.searchParams.get('vscode-reqid'), '3');
    const code = codeFromCallback(
      { code: back.searchParams.get('code') ?? undefined, state: back.searchParams.get('state') ?? undefined },
      state,
      community,
    );
    const tokens = await new OAuthClient(dot.baseUrl, dot.clientId, OPTIONS).exchangeCode(
      code,
      redirectUri,
      pkce.verifier,
    );
    assert.ok(tokens.accessToken && tokens.refreshToken);
  });
});

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}
