/**
 * The emulator's OAuth 2 server (Django OAuth Toolkit semantics), over real HTTP: the code flow with
 * PKCE through the consent page, redirect URI rules, the token endpoint's grants and errors, refresh
 * rotation, expiry, revocation, fault injection and the path prefix.
 */
import * as assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import { call, sleep, useEmulator, type Reply } from '../support';
import { OAUTH_DEMO_CLIENT_ID, OAUTH_STRICT_CLIENT_ID, startEmulator, type Emulator } from '../emulator';

const CALLBACK = 'vscode://reactions-dev.reactions-vscode/oauth-callback?windowId=1';

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const authorizeUrl = (emu: Emulator, params: Record<string, string>) =>
  `${emu.selfcommunityUrl}/oauth/authorize/?${new URLSearchParams(params)}`;
const tokenUrl = (emu: Emulator) => `${emu.selfcommunityUrl}/oauth/token/`;
const revokeUrl = (emu: Emulator) => `${emu.selfcommunityUrl}/oauth/revoke_token/`;
const me = (emu: Emulator, token: string) => call(`${emu.selfcommunityUrl}/api/v2/user/me/`, { token });

const decode = (s: string) =>
  s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');

/** What a browser would submit: the form's hidden inputs, its action (resolved against the page's URL), the selected user. */
function readForm(page: string, pageUrl: string): { action: string; fields: Record<string, string>; selected: string } {
  const action = /<form method="post" action="([^"]*)">/.exec(page);
  assert.ok(action, 'the consent page has a POST form');
  const fields: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]] = decode(m[2]);
  const select = /<select name="user" id="user">([\s\S]*?)<\/select>/.exec(page);
  assert.ok(select, 'the consent page has the user select');
  const selected = /<option value="(\w+)" selected>/.exec(select[1]);
  return { action: new URL(decode(action[1]), pageUrl).toString(), fields, selected: selected?.[1] ?? '' };
}

/** Opens the consent page and presses a button; returns the page and the 302's Location. */
async function consent(
  emu: Emulator,
  params: Record<string, string>,
  o: { user?: string; allow?: 'Authorize' | 'Deny' } = {},
): Promise<{ page: Reply; location: string }> {
  const pageUrl = authorizeUrl(emu, params);
  const page = await call(pageUrl);
  assert.strictEqual(page.status, 200, page.text.slice(0, 400));
  const { action, fields } = readForm(page.text, pageUrl);
  const form: Record<string, string> = { ...fields, allow: o.allow ?? 'Authorize' };
  if (o.user) form.user = o.user;
  const res = await call(action, { form });
  assert.strictEqual(res.status, 302, res.text.slice(0, 400));
  return { page, location: res.headers.get('location') ?? '' };
}

const paramsOf = (location: string) => new URL(location).searchParams;

/** The whole code flow with PKCE S256; returns the token response. */
async function codeFlow(
  emu: Emulator,
  o: { user?: string; clientId?: string; redirectUri?: string } = {},
): Promise<Reply> {
  const { verifier, challenge } = pkcePair();
  const clientId = o.clientId ?? OAUTH_DEMO_CLIENT_ID;
  const redirectUri = o.redirectUri ?? CALLBACK;
  const params = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  const { location } = await consent(emu, params, { user: o.user });
  const code = paramsOf(location).get('code');
  assert.ok(code, `a code in ${location}`);
  const res = await call(tokenUrl(emu), {
    form: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    },
  });
  assert.strictEqual(res.status, 200, res.text);
  return res;
}

/** Starts a code flow (PKCE S256 unless `extra` says otherwise; undefined drops a parameter) up to the code; returns what the exchange needs. */
async function codeFor(
  emu: Emulator,
  extra: Record<string, string | undefined> = {},
): Promise<{ code: string; verifier: string; redirectUri: string }> {
  const { verifier, challenge } = pkcePair();
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: OAUTH_DEMO_CLIENT_ID,
    redirect_uri: CALLBACK,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  const params = Object.fromEntries(Object.entries(all).filter((kv): kv is [string, string] => kv[1] !== undefined));
  const { location } = await consent(emu, params);
  const code = paramsOf(location).get('code');
  assert.ok(code, `a code in ${location}`);
  return { code, verifier, redirectUri: params.redirect_uri };
}

const exchange = (emu: Emulator, form: Record<string, string>) =>
  call(tokenUrl(emu), { form: { grant_type: 'authorization_code', client_id: OAUTH_DEMO_CLIENT_ID, ...form } });
const refresh = (emu: Emulator, token: string, clientId = OAUTH_DEMO_CLIENT_ID) =>
  call(tokenUrl(emu), { form: { grant_type: 'refresh_token', refresh_token: token, client_id: clientId } });
const password = (emu: Emulator, username: string, pw: string) =>
  call(tokenUrl(emu), { form: { grant_type: 'password', username, password: pw, client_id: OAUTH_DEMO_CLIENT_ID } });

function assertInvalidGrant(res: Reply, what: string): void {
  assert.strictEqual(res.status, 400, `${what}: ${res.text}`);
  assert.strictEqual(res.json.error, 'invalid_grant', what);
  assert.strictEqual(typeof res.json.error_description, 'string', what);
}

/** The API's reply to an unknown token (an expired or revoked OAuth token must look the same). */
function assertUnauthorized(res: Reply, what: string): void {
  assert.strictEqual(res.status, 401, `${what}: ${res.text}`);
  assert.strictEqual(res.json.errors[0].code, 'not_authenticated', what);
}

describe('emulator OAuth: authorization code flow', () => {
  const emu = useEmulator({ seed: 2 });
  afterEach(() => {
    emu().oauth.browserUser = 'alice';
    emu().clearLog();
  });

  it('PKCE S256 end to end: consent page, bob picked in the select, code, token, /user/me/ as bob', async () => {
    const before = emu().oauth.stats();
    const { verifier, challenge } = pkcePair();
    const params = {
      response_type: 'code',
      client_id: OAUTH_DEMO_CLIENT_ID,
      redirect_uri: CALLBACK,
      state: 'xyz-42',
      scope: 'read write',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
    const { page, location } = await consent(emu(), params, { user: 'bob' });

    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.text, /<title>Authorize Reactions for VS Code \(demo\)<\/title>/);
    assert.match(page.text, /Alice Martin/);
    assert.match(page.text, /Bob Keller/);
    assert.match(page.text, /read write/);
    assert.match(page.text, /<button[^>]*id="approve"[^>]*>Authorize<\/button>/);
    assert.match(page.text, /<button[^>]*id="deny"[^>]*>Deny<\/button>/);
    assert.doesNotMatch(page.text, /<(script|link)\b|src="http/, 'no scripts or external assets');
    const form = readForm(page.text, authorizeUrl(emu(), params));
    assert.strictEqual(
      form.action,
      `${emu().selfcommunityUrl}/oauth/authorize/`,
      'the form posts back to the authorize endpoint',
    );
    assert.strictEqual(form.selected, 'alice', 'alice is signed in to the browser by default');
    assert.deepStrictEqual(form.fields, params, 'every parameter is carried by the form');

    assert.ok(location.startsWith(`${CALLBACK}&code=`), `appended to the existing query: ${location}`);
    const back = paramsOf(location);
    assert.strictEqual(back.get('state'), 'xyz-42');
    assert.strictEqual(back.get('windowId'), '1', 'the redirect URI’s own query is kept');
    assert.match(back.get('code') ?? '', /^[\w-]{20,}$/);

    const res = await exchange(emu(), { code: back.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier });
    assert.strictEqual(res.status, 200, res.text);
    assert.strictEqual(res.headers.get('cache-control'), 'no-store');
    assert.strictEqual(res.json.token_type, 'Bearer');
    assert.strictEqual(res.json.expires_in, 36000);
    assert.strictEqual(res.json.scope, 'read write');
    assert.match(res.json.access_token, /^sc-oauth-bob-/);
    assert.match(res.json.refresh_token, /^sc-refresh-bob-/);

    const who = await me(emu(), res.json.access_token);
    assert.strictEqual(who.status, 200);
    assert.strictEqual(who.json.username, 'bob');
    assert.strictEqual(who.json.id, emu().users.find((u) => u.name === 'bob')!.scUserId);
    assert.strictEqual(emu().requests.at(-1)!.user, 'bob', 'the request log resolves OAuth tokens too');
    assert.deepStrictEqual(emu().oauth.activeAccessTokens('bob'), [res.json.access_token]);
    assert.deepStrictEqual(emu().oauth.activeRefreshTokens('bob'), [res.json.refresh_token]);
    const after = emu().oauth.stats();
    assert.strictEqual(after.codesIssued - before.codesIssued, 1);
    assert.strictEqual(after.codeExchanges - before.codeExchanges, 1);
    assert.ok(
      emu().requests.every((r) => r.status !== 401),
      'the OAuth routes need no bearer token',
    );
  });

  it('the browser user is preselected, and is the one approving when the form has no user field', async () => {
    emu().oauth.browserUser = 'carol';
    const pageUrl = authorizeUrl(emu(), {
      response_type: 'code',
      client_id: OAUTH_DEMO_CLIENT_ID,
      redirect_uri: CALLBACK,
    });
    const page = await call(pageUrl);
    const { action, fields, selected } = readForm(page.text, pageUrl);
    assert.strictEqual(selected, 'carol');
    const res = await call(action, { form: { ...fields, allow: 'Authorize' } });
    const code = paramsOf(res.headers.get('location')!).get('code')!;
    const tokens = await exchange(emu(), { code, redirect_uri: CALLBACK });
    assert.strictEqual(tokens.status, 200, tokens.text);
    assert.strictEqual((await me(emu(), tokens.json.access_token)).json.username, 'carol');
    assert.throws(() => {
      emu().oauth.browserUser = 'mallory' as 'alice';
    }, /unknown emulator user/);
  });

  it('Deny redirects with error=access_denied and the state, and no code', async () => {
    const before = emu().oauth.stats().codesIssued;
    const { location } = await consent(
      emu(),
      {
        response_type: 'code',
        client_id: OAUTH_DEMO_CLIENT_ID,
        redirect_uri: 'http://127.0.0.1:4567/cb',
        state: 'st 8/é',
      },
      { allow: 'Deny' },
    );
    assert.ok(location.startsWith('http://127.0.0.1:4567/cb?'), location);
    const back = paramsOf(location);
    assert.strictEqual(back.get('error'), 'access_denied');
    assert.strictEqual(back.get('state'), 'st 8/é', 'the state comes back exactly');
    assert.strictEqual(back.get('code'), null);
    assert.strictEqual(emu().oauth.stats().codesIssued, before);
  });

  it('a state with HTML in it is escaped on the page and comes back unchanged', async () => {
    const state = `"><script>alert(1)</script>&x='`;
    const { page, location } = await consent(emu(), {
      response_type: 'code',
      client_id: OAUTH_DEMO_CLIENT_ID,
      redirect_uri: CALLBACK,
      state,
    });
    assert.ok(!page.text.includes('<script>'));
    assert.strictEqual(paramsOf(location).get('state'), state);
  });

  it('exchange errors: wrong or missing verifier, wrong redirect_uri, another client, reused code', async () => {
    const a = await codeFor(emu());
    assertInvalidGrant(
      await exchange(emu(), { code: a.code, redirect_uri: a.redirectUri, code_verifier: pkcePair().verifier }),
      'wrong verifier',
    );
    const missing = await exchange(emu(), { code: a.code, redirect_uri: a.redirectUri });
    assert.strictEqual(missing.status, 400);
    assert.strictEqual(missing.json.error, 'invalid_request', 'a missing verifier is a malformed request (oauthlib)');
    assertInvalidGrant(
      await exchange(emu(), {
        code: a.code,
        redirect_uri: 'vscode://reactions-dev.reactions-vscode/oauth-callback',
        code_verifier: a.verifier,
      }),
      'other redirect_uri',
    );
    assertInvalidGrant(await exchange(emu(), { code: a.code, code_verifier: a.verifier }), 'no redirect_uri');
    assertInvalidGrant(
      await exchange(emu(), {
        code: a.code,
        redirect_uri: a.redirectUri,
        code_verifier: a.verifier,
        client_id: OAUTH_STRICT_CLIENT_ID,
      }),
      'another client',
    );

    const ok = await exchange(emu(), { code: a.code, redirect_uri: a.redirectUri, code_verifier: a.verifier });
    assert.strictEqual(ok.status, 200, 'failed attempts do not burn the code');
    assertInvalidGrant(
      await exchange(emu(), { code: a.code, redirect_uri: a.redirectUri, code_verifier: a.verifier }),
      'reused code',
    );
    assertInvalidGrant(
      await exchange(emu(), { code: 'not-a-code', redirect_uri: a.redirectUri, code_verifier: a.verifier }),
      'unknown code',
    );
  });

  it('PKCE plain works, and a challenge without a method means plain', async () => {
    const verifier = pkcePair().verifier;
    for (const method of ['plain', undefined]) {
      const a = await codeFor(emu(), { code_challenge: verifier, code_challenge_method: method });
      const wrong = await exchange(emu(), {
        code: a.code,
        redirect_uri: a.redirectUri,
        code_verifier: createHash('sha256').update(verifier).digest('base64url'),
      });
      assertInvalidGrant(wrong, 'S256 of a plain challenge');
      const res = await exchange(emu(), { code: a.code, redirect_uri: a.redirectUri, code_verifier: verifier });
      assert.strictEqual(res.status, 200, res.text);
    }
  });

  it('unknown client, missing or unregistered redirect_uri: a 400 page and no redirect', async () => {
    const strict = { response_type: 'code', client_id: OAUTH_STRICT_CLIENT_ID, state: 's' };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ response_type: 'code', client_id: 'nope', redirect_uri: CALLBACK }, /client_id/],
      [{ response_type: 'code', redirect_uri: CALLBACK }, /client_id/],
      [strict, /redirect URI/i],
      [{ ...strict, redirect_uri: 'http://127.0.0.1/elsewhere' }, /redirect URI/i],
      [{ ...strict, redirect_uri: 'https://127.0.0.1/callback' }, /redirect URI/i],
      [{ ...strict, redirect_uri: 'vscode://other.extension/oauth-callback' }, /redirect URI/i],
      [{ ...strict, redirect_uri: 'http://evil.example/callback' }, /redirect URI/i],
      [{ response_type: 'code', client_id: OAUTH_DEMO_CLIENT_ID, redirect_uri: 'not a uri' }, /redirect URI/i],
      [
        { response_type: 'code', client_id: OAUTH_DEMO_CLIENT_ID, redirect_uri: 'http://x.example/cb#frag' },
        /redirect URI/i,
      ],
    ];
    for (const [params, message] of cases) {
      const res = await call(authorizeUrl(emu(), params));
      assert.strictEqual(res.status, 400, JSON.stringify(params));
      assert.strictEqual(res.headers.get('location'), null, `no redirect for ${JSON.stringify(params)}`);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(res.text, message, JSON.stringify(params));
    }
    // A tampered form is checked again on POST.
    const pageUrl = authorizeUrl(emu(), { ...strict, redirect_uri: 'http://127.0.0.1/callback' });
    const page = await call(pageUrl);
    const { action, fields } = readForm(page.text, pageUrl);
    const res = await call(action, {
      form: { ...fields, redirect_uri: 'http://evil.example/callback', allow: 'Authorize' },
    });
    assert.strictEqual(res.status, 400);
    assert.strictEqual(res.headers.get('location'), null);
  });

  it('the strict app: registered URIs with extra query parameters, any loopback port; the query is kept', async () => {
    for (const uri of [
      'http://127.0.0.1/callback?vscode-reqid=1&vscode-scheme=x',
      'http://127.0.0.1:53682/callback',
      'vscode://reactions-dev.reactions-vscode/oauth-callback?vscode-reqid=3&vscode-scheme=vscode-insiders',
    ]) {
      const res = await codeFlow(emu(), { clientId: OAUTH_STRICT_CLIENT_ID, redirectUri: uri, user: 'carol' });
      assert.strictEqual((await me(emu(), res.json.access_token)).json.username, 'carol', uri);
    }
    const { location } = await consent(emu(), {
      response_type: 'code',
      client_id: OAUTH_STRICT_CLIENT_ID,
      redirect_uri: 'http://127.0.0.1/callback?vscode-reqid=1&vscode-scheme=x',
      state: 'q',
    });
    assert.match(location, /^http:\/\/127\.0\.0\.1\/callback\?vscode-reqid=1&vscode-scheme=x&code=[\w-]+&state=q$/);
  });

  it('authorize errors that go back to the app: unsupported response_type, bad PKCE method, unknown scope', async () => {
    const base = { client_id: OAUTH_DEMO_CLIENT_ID, redirect_uri: 'http://127.0.0.1:9/cb', state: 'st' };
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...base, response_type: 'token' }, 'unsupported_response_type'],
      [{ ...base, response_type: 'code', code_challenge: 'abc', code_challenge_method: 'S512' }, 'invalid_request'],
      [{ ...base, response_type: 'code', scope: 'read admin' }, 'invalid_scope'],
    ];
    for (const [params, error] of cases) {
      const res = await call(authorizeUrl(emu(), params));
      assert.strictEqual(res.status, 302, JSON.stringify(params));
      const back = paramsOf(res.headers.get('location')!);
      assert.strictEqual(back.get('error'), error);
      assert.strictEqual(back.get('state'), 'st');
      assert.strictEqual(back.get('code'), null);
    }
    const read = await codeFor(emu(), { scope: 'read' });
    const res = await exchange(emu(), {
      code: read.code,
      redirect_uri: read.redirectUri,
      code_verifier: read.verifier,
    });
    assert.strictEqual(res.json.scope, 'read', 'the granted scope is the requested one');
  });
});

describe('emulator OAuth: PKCE modes', () => {
  const emu = useEmulator({ oauth: { pkce: 'required' } });
  afterEach(() => emu().oauth.setPkce('required'));
  const noPkce = { response_type: 'code', client_id: OAUTH_DEMO_CLIENT_ID, redirect_uri: CALLBACK, state: 'p' };

  it('required: no code_challenge → redirect with invalid_request; with one the flow works', async () => {
    const res = await call(authorizeUrl(emu(), noPkce));
    assert.strictEqual(res.status, 302);
    const back = paramsOf(res.headers.get('location')!);
    assert.strictEqual(back.get('error'), 'invalid_request');
    assert.match(back.get('error_description') ?? '', /code_challenge required/);
    assert.strictEqual(back.get('state'), 'p');
    const tokens = await codeFlow(emu());
    assert.strictEqual((await me(emu(), tokens.json.access_token)).status, 200);
  });

  it('optional: a flow without PKCE needs no verifier', async () => {
    emu().oauth.setPkce('optional');
    const { location } = await consent(emu(), noPkce);
    const res = await exchange(emu(), { code: paramsOf(location).get('code')!, redirect_uri: CALLBACK });
    assert.strictEqual(res.status, 200, res.text);
  });

  it('unsupported: the challenge is ignored, so any verifier (or none) is accepted', async () => {
    emu().oauth.setPkce('unsupported');
    for (const verifier of [undefined, 'whatever-verifier']) {
      const a = await codeFor(emu());
      const res = await exchange(emu(), {
        code: a.code,
        redirect_uri: a.redirectUri,
        ...(verifier ? { code_verifier: verifier } : {}),
      });
      assert.strictEqual(res.status, 200, res.text);
    }
    assert.throws(() => emu().oauth.setPkce('sometimes' as 'optional'), /pkce/);
  });

  it('refused: a request with a code_challenge goes back with invalid_request naming it; without one the flow works', async () => {
    emu().oauth.setPkce('refused');
    const { challenge } = pkcePair();
    const res = await call(
      authorizeUrl(emu(), { ...noPkce, code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    assert.strictEqual(res.status, 302);
    const back = paramsOf(res.headers.get('location')!);
    assert.strictEqual(back.get('error'), 'invalid_request');
    assert.match(back.get('error_description') ?? '', /code_challenge/);
    assert.strictEqual(back.get('state'), 'p');
    const { location } = await consent(emu(), noPkce);
    assert.strictEqual(
      (await exchange(emu(), { code: paramsOf(location).get('code')!, redirect_uri: CALLBACK })).status,
      200,
    );
  });
});

describe('emulator OAuth: refresh, expiry, revocation', () => {
  const emu = useEmulator();
  afterEach(() => emu().oauth.setAccessTokenLifetime(36000));

  it('refresh rotates: new tokens work; the old refresh token is invalid_grant, the old access token 401', async () => {
    const before = emu().oauth.stats().refreshes;
    const first = (await password(emu(), 'alice', 'alice-password')).json;
    const res = await refresh(emu(), first.refresh_token);
    assert.strictEqual(res.status, 200, res.text);
    assert.strictEqual(res.headers.get('cache-control'), 'no-store');
    assert.notStrictEqual(res.json.access_token, first.access_token);
    assert.notStrictEqual(res.json.refresh_token, first.refresh_token);
    assert.strictEqual(res.json.scope, 'read write');
    assertInvalidGrant(await refresh(emu(), first.refresh_token), 'rotated refresh token');
    assertUnauthorized(await me(emu(), first.access_token), 'the access token of a rotated refresh token');
    assert.strictEqual((await me(emu(), res.json.access_token)).json.username, 'alice');
    assert.strictEqual((await refresh(emu(), res.json.refresh_token)).status, 200, 'the new refresh token works');
    assert.strictEqual(emu().oauth.stats().refreshes - before, 2);
  });

  it('a refresh token only works for the client it was issued to', async () => {
    const t = (await codeFlow(emu(), { clientId: OAUTH_STRICT_CLIENT_ID, redirectUri: 'http://127.0.0.1/callback' }))
      .json;
    assertInvalidGrant(await refresh(emu(), t.refresh_token, OAUTH_DEMO_CLIENT_ID), 'another client');
    assert.strictEqual((await refresh(emu(), t.refresh_token, OAUTH_STRICT_CLIENT_ID)).status, 200);
  });

  it('a short lifetime: the token works, then answers 401 like an unknown token; refresh gets a working one', async () => {
    emu().oauth.setAccessTokenLifetime(0.3);
    const t = (await password(emu(), 'bob', 'bob-password')).json;
    assert.strictEqual(t.expires_in, 1, 'expires_in is a whole number of seconds, at least 1');
    assert.strictEqual((await me(emu(), t.access_token)).status, 200);
    emu().oauth.setAccessTokenLifetime(36000);
    await sleep(400);
    assertUnauthorized(await me(emu(), t.access_token), 'expired');
    assert.ok(!emu().oauth.activeAccessTokens('bob').includes(t.access_token));
    const r = await refresh(emu(), t.refresh_token);
    assert.strictEqual(r.json.expires_in, 36000, 'the lifetime in force when it is issued');
    assert.strictEqual((await me(emu(), r.json.access_token)).json.username, 'bob');
  });

  it('expireAccessTokens(user): only that user’s tokens answer 401; their refresh tokens still work', async () => {
    const alice = (await password(emu(), 'alice', 'alice-password')).json;
    const carol = (await password(emu(), 'carol', 'carol-password')).json;
    emu().oauth.expireAccessTokens('carol');
    assertUnauthorized(await me(emu(), carol.access_token), 'expired carol');
    assert.strictEqual((await me(emu(), alice.access_token)).status, 200);
    assert.deepStrictEqual(emu().oauth.activeAccessTokens('carol'), []);
    const r = await refresh(emu(), carol.refresh_token);
    assert.strictEqual((await me(emu(), r.json.access_token)).json.username, 'carol');
    emu().oauth.expireAccessTokens();
    assertUnauthorized(await me(emu(), alice.access_token), 'everyone expired');
    assertUnauthorized(await me(emu(), r.json.access_token), 'everyone expired');
    assert.deepStrictEqual(emu().oauth.activeAccessTokens(), []);
    const alicePat = emu().users[0].scToken;
    assert.strictEqual((await me(emu(), alicePat)).status, 200, 'static tokens are not OAuth tokens');
  });

  it('revokeRefreshTokens(user): refresh is invalid_grant, the access token keeps working', async () => {
    const t = (await password(emu(), 'bob', 'bob-password')).json;
    emu().oauth.revokeRefreshTokens('bob');
    assert.deepStrictEqual(emu().oauth.activeRefreshTokens('bob'), []);
    assertInvalidGrant(await refresh(emu(), t.refresh_token), 'revoked refresh token');
    assert.strictEqual((await me(emu(), t.access_token)).status, 200);
  });

  it('revoke_token: a refresh token takes its access token along; an access token goes alone; unknown tokens are 200', async () => {
    const before = emu().oauth.stats().revocations;
    const a = (await password(emu(), 'alice', 'alice-password')).json;
    const r1 = await call(revokeUrl(emu()), {
      form: { token: a.refresh_token, token_type_hint: 'refresh_token', client_id: OAUTH_DEMO_CLIENT_ID },
    });
    assert.strictEqual(r1.status, 200);
    assert.strictEqual(r1.text, '');
    assertUnauthorized(await me(emu(), a.access_token), 'access token of a revoked refresh token');
    assertInvalidGrant(await refresh(emu(), a.refresh_token), 'revoked refresh token');

    const b = (await password(emu(), 'alice', 'alice-password')).json;
    const r2 = await call(revokeUrl(emu()), { form: { token: b.access_token, client_id: OAUTH_DEMO_CLIENT_ID } });
    assert.strictEqual(r2.status, 200);
    assertUnauthorized(await me(emu(), b.access_token), 'revoked access token');
    const again = await refresh(emu(), b.refresh_token);
    assert.strictEqual(again.status, 200, 'its refresh token still works');
    assert.strictEqual((await me(emu(), again.json.access_token)).status, 200);

    const unknown = await call(revokeUrl(emu()), { form: { token: 'never-issued', client_id: OAUTH_DEMO_CLIENT_ID } });
    assert.strictEqual(unknown.status, 200);
    assert.strictEqual(unknown.text, '');
    const badClient = await call(revokeUrl(emu()), { form: { token: again.json.access_token, client_id: 'nope' } });
    assert.strictEqual(badClient.status, 401);
    assert.strictEqual(badClient.json.error, 'invalid_client');
    assert.strictEqual((await me(emu(), again.json.access_token)).status, 200, 'an unknown client revokes nothing');
    assert.strictEqual(emu().oauth.stats().revocations - before, 3);
  });
});

describe('emulator OAuth: no refresh token rotation', () => {
  const emu = useEmulator({ oauth: { rotateRefreshTokens: false } });

  it('refresh returns the same refresh token (usable again) and a new access token; the old one stops working, as in DOT', async () => {
    const t = (await password(emu(), 'carol', 'carol-password')).json;
    const r1 = (await refresh(emu(), t.refresh_token)).json;
    assert.strictEqual(r1.refresh_token, t.refresh_token);
    assert.notStrictEqual(r1.access_token, t.access_token);
    assert.strictEqual((await me(emu(), r1.access_token)).json.username, 'carol');
    assertUnauthorized(await me(emu(), t.access_token), 'the replaced access token');
    const r2 = await refresh(emu(), t.refresh_token);
    assert.strictEqual(r2.status, 200);
    assert.strictEqual(r2.json.refresh_token, t.refresh_token);
    assert.deepStrictEqual(emu().oauth.activeAccessTokens('carol'), [r2.json.access_token]);
  });
});

describe('emulator OAuth: token endpoint', () => {
  const emu = useEmulator();

  it('password grant: by name or email; a wrong password is invalid_grant', async () => {
    const before = emu().oauth.stats();
    const byName = await password(emu(), 'alice', 'alice-password');
    assert.strictEqual(byName.status, 200);
    assert.match(byName.json.access_token, /^sc-oauth-alice-/);
    const byEmail = await password(emu(), 'bob@example.com', 'bob-password');
    assert.strictEqual((await me(emu(), byEmail.json.access_token)).json.username, 'bob');
    assertInvalidGrant(await password(emu(), 'alice', 'bob-password'), 'wrong password');
    assertInvalidGrant(await password(emu(), 'mallory', 'mallory-password'), 'unknown user');
    const after = emu().oauth.stats();
    assert.strictEqual(after.passwordGrants - before.passwordGrants, 2);
    assert.strictEqual(after.failedTokenRequests - before.failedTokenRequests, 2);
  });

  it('the client can come from HTTP Basic auth (public client, empty secret)', async () => {
    const basic = `Basic ${Buffer.from(`${OAUTH_DEMO_CLIENT_ID}:`).toString('base64')}`;
    const res = await call(tokenUrl(emu()), {
      form: { grant_type: 'password', username: 'carol', password: 'carol-password' },
      headers: { authorization: basic },
    });
    assert.strictEqual(res.status, 200, res.text);
    const wrong = `Basic ${Buffer.from('nope:').toString('base64')}`;
    const bad = await call(tokenUrl(emu()), {
      form: { grant_type: 'password', username: 'carol', password: 'carol-password' },
      headers: { authorization: wrong },
    });
    assert.strictEqual(bad.status, 401);
    assert.strictEqual(bad.json.error, 'invalid_client');
  });

  it('errors: unknown or missing client 401 invalid_client, unsupported grant, non-form body, wrong method', async () => {
    const unknown = await call(tokenUrl(emu()), {
      form: { grant_type: 'password', username: 'alice', password: 'alice-password', client_id: 'nope' },
    });
    assert.strictEqual(unknown.status, 401);
    assert.deepStrictEqual(unknown.json, { error: 'invalid_client' });
    const missing = await call(tokenUrl(emu()), {
      form: { grant_type: 'password', username: 'alice', password: 'alice-password' },
    });
    assert.strictEqual(missing.status, 401);
    assert.strictEqual(missing.json.error, 'invalid_client');

    const grant = await call(tokenUrl(emu()), {
      form: { grant_type: 'client_credentials', client_id: OAUTH_DEMO_CLIENT_ID },
    });
    assert.strictEqual(grant.status, 400);
    assert.deepStrictEqual(grant.json, { error: 'unsupported_grant_type' });

    const json = await call(tokenUrl(emu()), {
      body: JSON.stringify({
        grant_type: 'password',
        username: 'alice',
        password: 'alice-password',
        client_id: OAUTH_DEMO_CLIENT_ID,
      }),
      contentType: 'application/json',
    });
    assert.strictEqual(json.status, 400);
    assert.strictEqual(json.json.error, 'invalid_request');

    const charset = await call(tokenUrl(emu()), {
      body: new URLSearchParams({
        grant_type: 'password',
        username: 'alice',
        password: 'alice-password',
        client_id: OAUTH_DEMO_CLIENT_ID,
      }).toString(),
      contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
    });
    assert.strictEqual(charset.status, 200, 'a charset parameter is fine');

    const get = await call(tokenUrl(emu()));
    assert.strictEqual(get.status, 405);
    for (const r of [unknown, grant, json]) assert.strictEqual(r.headers.get('cache-control'), 'no-store');
  });
});

describe('emulator OAuth: faults and path prefix', () => {
  const emu = useEmulator({ scPrefix: '/community' });
  afterEach(() => emu().clearLog());

  it('fault injection on /oauth/token/: a 503 does not consume the code, so a retry works', async () => {
    const a = await codeFor(emu());
    const fault = emu().fault({ path: /\/oauth\/token\/$/, status: 503, times: 1 });
    const failed = await exchange(emu(), { code: a.code, redirect_uri: a.redirectUri, code_verifier: a.verifier });
    assert.strictEqual(failed.status, 503);
    assert.match(failed.text, /nginx/);
    assert.strictEqual(fault.hits, 1);
    const logged = emu().requests.filter((r) => r.method === 'POST' && r.path === '/community/oauth/token/');
    assert.deepStrictEqual(
      logged.map((r) => r.status),
      [503],
    );
    const ok = await exchange(emu(), { code: a.code, redirect_uri: a.redirectUri, code_verifier: a.verifier });
    assert.strictEqual(ok.status, 200, ok.text);
  });

  it('a reset after the server handled the exchange (lost answer): the code is spent, a retry is invalid_grant', async () => {
    const a = await codeFor(emu());
    emu().fault({ method: 'POST', path: /\/oauth\/token\/$/, reset: true, applyFirst: true, times: 1 });
    await assert.rejects(exchange(emu(), { code: a.code, redirect_uri: a.redirectUri, code_verifier: a.verifier }));
    assertInvalidGrant(
      await exchange(emu(), { code: a.code, redirect_uri: a.redirectUri, code_verifier: a.verifier }),
      'retry after a lost answer',
    );
  });

  it('every route lives under the prefix: the form posts there and the token works on the prefixed API', async () => {
    assert.ok(emu().selfcommunityUrl.endsWith('/community'));
    const pageUrl = authorizeUrl(emu(), {
      response_type: 'code',
      client_id: OAUTH_DEMO_CLIENT_ID,
      redirect_uri: CALLBACK,
    });
    const page = await call(pageUrl);
    assert.strictEqual(new URL(readForm(page.text, pageUrl).action).pathname, '/community/oauth/authorize/');
    const tokens = await codeFlow(emu(), { user: 'bob' });
    assert.strictEqual((await me(emu(), tokens.json.access_token)).json.username, 'bob');
    const origin = new URL(emu().selfcommunityUrl).origin;
    const outside = await call(`${origin}/oauth/token/`, {
      form: { grant_type: 'password', username: 'bob', password: 'bob-password', client_id: OAUTH_DEMO_CLIENT_ID },
    });
    assert.strictEqual(outside.status, 404, 'not outside the prefix');
  });
});

describe('emulator OAuth: options', () => {
  it('custom apps replace the defaults; bad options fail at start', async () => {
    const emu = await startEmulator({
      oauth: { apps: [{ clientId: 'mine', name: 'My <App>', redirectUris: ['https://app.example/cb?tenant=1'] }] },
    });
    try {
      const page = await call(
        authorizeUrl(emu, {
          response_type: 'code',
          client_id: 'mine',
          redirect_uri: 'https://app.example/cb?tenant=1&x=2',
        }),
      );
      assert.strictEqual(page.status, 200);
      assert.match(page.text, /<title>Authorize My &#60;App&#62;<\/title>/);
      const noTenant = await call(
        authorizeUrl(emu, { response_type: 'code', client_id: 'mine', redirect_uri: 'https://app.example/cb?x=2' }),
      );
      assert.strictEqual(noTenant.status, 400, 'the registered query parameters must be present');
      const demo = await call(
        authorizeUrl(emu, { response_type: 'code', client_id: OAUTH_DEMO_CLIENT_ID, redirect_uri: CALLBACK }),
      );
      assert.strictEqual(demo.status, 400);
    } finally {
      await emu.close();
    }
    await assert.rejects(startEmulator({ oauth: { accessTokenLifetimeSeconds: 0 } }), /lifetime/);
    await assert.rejects(startEmulator({ oauth: { pkce: 'maybe' as 'optional' } }), /pkce/);
    await assert.rejects(
      startEmulator({ oauth: { apps: [{ clientId: 'x', name: 'X', redirectUris: ['/relative'] }] } }),
      /redirect URI/,
    );
  });
});
