/**
 * OAuth sign-in and token renewal against the emulator's OAuth endpoints (real HTTP): what a person
 * notices — the sign-in lands on the right user, a wrong answer is refused, a session keeps working
 * past its access token's lifetime, a dead sign-in asks once, sign-out really revokes, no token leaks.
 */
import * as assert from 'assert';
import { createHash } from 'crypto';
import {
  TokenSource,
  parseCredentials,
  serializeCredentials,
  type Credentials,
  type OAuthCredentials,
  type SecretStore,
} from '../../src/core/auth/credentials';
import { MemoryLogger } from '../../src/core/log';
import type { Account } from '../../src/core/model';
import {
  OAuthClient,
  codeFromCallback,
  createPkce,
  createState,
  parseCallback,
  refusesPkce,
  type TokenSet,
} from '../../src/core/auth/oauth';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { AccountService } from '../../src/core/services/service';
import type { Emulator } from '../emulator';
import { consent } from '../emulator/consent';
import {
  LOOPBACK_REDIRECT,
  consentUrl,
  collect,
  fastOptions,
  rejectsKind,
  requestsTo,
  signInWithBrowser,
  sleep,
  useEmulator,
} from '../support';

const REDIRECT = LOOPBACK_REDIRECT;
const TOKEN = /\/oauth\/token\/$/;

/** A SecretStorage stand-in shared by "windows" (TokenSources) of one machine. */
class MapStore implements SecretStore {
  readonly map = new Map<string, string>();
  writes = 0;
  async get(key: string) {
    return this.map.get(key);
  }
  async store(key: string, value: string) {
    this.writes++;
    this.map.set(key, value);
  }
}

/** A client wired like the extension's: tokens from a TokenSource, renewal on 401. */
function connect(
  emu: Emulator,
  account: Account,
  store: SecretStore,
  options = fastOptions(),
): { service: AccountService; source: TokenSource; options: typeof options } {
  const source = new TokenSource(account.id, store, {
    label: account.label,
    logger: options.logger,
    refresh: (c) => new OAuthClient(emu.selfcommunityUrl, c.clientId, options).refresh(c.refreshToken),
  });
  const service = selfCommunity.connect(account, () => source.token(), {
    ...options,
    onUnauthorized: (t) => source.unauthorized(t),
  });
  return { service, source, options };
}

async function storeFor(emu: Emulator, account: Account, tokens: TokenSet): Promise<MapStore> {
  const store = new MapStore();
  await store.store(account.id, serializeCredentials({ type: 'oauth', clientId: emu.oauth.clientId, ...tokens }));
  store.writes = 0;
  return store;
}

function stored(store: MapStore, account: Account): OAuthCredentials {
  const c = parseCredentials(store.map.get(account.id));
  assert.ok(c?.type === 'oauth');
  return c;
}

function truth(emu: Emulator, user: 'alice' | 'bob' | 'carol'): string[] {
  return emu.sc
    .votesOf(user)
    .map((v) => `${v.type}:${v.id}`)
    .sort();
}

function keys(reactions: Array<{ target: { type: string; id: string } }>): string[] {
  return reactions.map((r) => `${r.target.type}:${r.target.id}`).sort();
}

describe('OAuth: browser sign-in (authorization code + PKCE)', () => {
  const emu = useEmulator({ seed: 3, sc: { statuses: 60, discussions: 20, posts: 10 } });

  it('ends signed in as the person who approved in the browser, with a refresh token and an expiry', async () => {
    emu().oauth.setAccessTokenLifetime(36000);
    const logger = new MemoryLogger();
    const { tokens, account } = await signInWithBrowser(emu(), 'bob', fastOptions(logger));
    const bob = emu().users.find((u) => u.name === 'bob')!;
    assert.strictEqual(account.userId, String(bob.scUserId));
    assert.ok(tokens.refreshToken, 'a refresh token is kept so the sign-in lasts');
    assert.ok(
      tokens.expiresAt && Math.abs(tokens.expiresAt - (Date.now() + 36000_000)) < 60_000,
      'expiry from expires_in',
    );
    const all = logger.lines.join('\n');
    for (const secret of [tokens.accessToken, tokens.refreshToken!])
      assert.ok(!all.includes(secret), 'no token in the log');
  });

  it('PKCE is S256 on the wire: the challenge sent is base64url(SHA-256(the verifier sent later)), never the verifier', async () => {
    emu().clearLog();
    await signInWithBrowser(emu(), 'alice');
    const authorize = emu().requests.find((e) => e.method === 'GET' && /\/oauth\/authorize\/$/.test(e.path));
    const token = requestsTo(emu(), 'POST', TOKEN)[0];
    assert.ok(authorize && token, 'the consent page was asked for, then the code exchanged');
    const verifier = new URLSearchParams(token.body).get('code_verifier')!;
    const challenge = authorize.query.code_challenge;
    assert.strictEqual(authorize.query.code_challenge_method, 'S256');
    assert.match(verifier, /^[A-Za-z0-9_-]{43,128}$/, 'a verifier of RFC 7636 characters and length');
    assert.notStrictEqual(challenge, verifier, 'the challenge is not the verifier itself');
    assert.strictEqual(challenge, createHash('sha256').update(verifier).digest('base64url'));
  });

  it('a callback with another state is refused before the code is used', async () => {
    const state = createState();
    const url = consentUrl(emu(), state, createPkce());
    const back = await consent(url);
    emu().clearLog();
    const e = await rejectsKind(
      async () => codeFromCallback(parseCallback(back.search), createState(), 'community'),
      'unsafe',
    );
    assert.match(e.message, /state.*did not match.*nothing was stored/i);
    assert.strictEqual(requestsTo(emu(), 'POST', TOKEN).length, 0, 'no code exchange');
  });

  it('Deny on the consent page ends the sign-in as cancelled, naming the community', async () => {
    const state = createState();
    const url = consentUrl(emu(), state);
    const back = await consent(url, { decision: 'Deny' });
    const e = await rejectsKind(
      async () => codeFromCallback(parseCallback(back.search), state, 'community.example'),
      'cancelled',
    );
    assert.match(e.message, /denied on community\.example; nothing was stored/);
  });

  it('a code is single use, and a code exchanged without its PKCE verifier is refused', async () => {
    const state = createState();
    const pkce = createPkce();
    const url = consentUrl(emu(), state, pkce);
    const code = codeFromCallback(parseCallback((await consent(url)).search), state, 'c');
    const client = new OAuthClient(emu().selfcommunityUrl, emu().oauth.clientId, fastOptions());
    const wrong = await rejectsKind(() => client.exchangeCode(code, REDIRECT, createPkce().verifier), 'auth');
    assert.match(wrong.message, /did not accept the authorization.*Start the sign-in again/);
    // DOT invalidates a code after a failed exchange? Either way a second use must fail.
    const url2 = consentUrl(emu(), state, pkce);
    const code2 = codeFromCallback(parseCallback((await consent(url2)).search), state, 'c');
    await client.exchangeCode(code2, REDIRECT, pkce.verifier);
    await rejectsKind(() => client.exchangeCode(code2, REDIRECT, pkce.verifier), 'auth');
  });

  it('an unknown client id and a URL without OAuth get messages that say what to check', async () => {
    const bad = new OAuthClient(emu().selfcommunityUrl, 'no-such-client', fastOptions());
    const e = await rejectsKind(() => bad.exchangeCode('x-code', REDIRECT, undefined), 'invalid-input');
    assert.match(e.message, /does not accept the OAuth client id "no-such-client".*community admin/);
    const nowhere = new OAuthClient(emu().tinesUrl, emu().oauth.clientId, fastOptions());
    const n = await rejectsKind(() => nowhere.refresh('sc-refresh-x'), 'not-found');
    assert.match(n.message, /no OAuth token endpoint.*Check the community URL/);
  });

  it('a server that refuses PKCE is recognised (the extension then asks again without it)', () => {
    assert.ok(refusesPkce({ error: 'invalid_request', errorDescription: 'code_challenge not supported', state: 's' }));
    assert.ok(!refusesPkce({ error: 'access_denied', state: 's' }));
  });
});

describe('OAuth: renewal keeps a sign-in working', () => {
  const emu = useEmulator({ seed: 5, sc: { statuses: 120, discussions: 30, posts: 20 } });
  afterEach(() => emu().oauth.setAccessTokenLifetime(36000));

  it('renews shortly before expiry, before sending — the server never sees an expired token', async () => {
    emu().oauth.setAccessTokenLifetime(6);
    const { tokens, account } = await signInWithBrowser(emu());
    const store = await storeFor(emu(), account, tokens);
    const { service } = connect(emu(), account, store);
    await service.reactionKinds();
    await sleep(5000); // inside the last fifth of the lifetime (4.8 s to 6 s)
    // The renewed token lives long: however slow this machine lists, one renewal is all it takes.
    emu().oauth.setAccessTokenLifetime(36000);
    emu().clearLog();
    const before = emu().oauth.stats().refreshes;
    const listed = await collect(service.listReactions());
    assert.deepStrictEqual(keys(listed.items), truth(emu(), 'alice'));
    assert.strictEqual(emu().oauth.stats().refreshes - before, 1, 'exactly one renewal');
    assert.strictEqual(requestsTo(emu(), 'POST', TOKEN).length, 1, 'one token request');
    assert.ok(!emu().requests.some((r) => r.status === 401), 'no request was refused');
    const now = stored(store, account);
    assert.notStrictEqual(now.accessToken, tokens.accessToken);
    assert.notStrictEqual(
      now.refreshToken,
      tokens.refreshToken,
      'the rotated refresh token is stored with the new access token',
    );
    assert.strictEqual(store.writes, 1, 'one write: access and refresh replaced together');
  });

  it('a 401 with many requests in flight costs exactly one renewal; every request then succeeds', async () => {
    const { tokens, account } = await signInWithBrowser(emu());
    const store = await storeFor(emu(), account, tokens);
    const { service } = connect(emu(), account, store, fastOptions(undefined, { maxConcurrency: 8 }));
    emu().oauth.expireAccessTokens('alice'); // the server ends the token early: only a 401 tells
    emu().clearLog();
    const before = emu().oauth.stats().refreshes;
    const listed = await collect(service.listReactions());
    assert.deepStrictEqual(keys(listed.items), truth(emu(), 'alice'), 'the listing is complete');
    assert.strictEqual(emu().oauth.stats().refreshes - before, 1, 'exactly one refresh request');
    assert.strictEqual(requestsTo(emu(), 'POST', TOKEN).length, 1);
    const refused = emu().requests.filter((r) => r.status === 401).length;
    assert.ok(refused >= 2, `several requests were in flight when the token died (${refused})`);
  });

  it('a vote POST refused with 401 is sent again once after renewal: the reaction is removed, not toggled twice', async () => {
    const { tokens, account } = await signInWithBrowser(emu());
    const store = await storeFor(emu(), account, tokens);
    const { service } = connect(emu(), account, store);
    const listed = await collect(service.listReactions());
    const victim = listed.items.find((r) => r.target.type !== 'comment')!;
    emu().oauth.expireAccessTokens('alice');
    emu().clearLog();
    const result = await service.remove(victim);
    assert.strictEqual(result.outcome, 'removed');
    assert.strictEqual(
      emu().sc.voteOf(victim.target.type as 'status', Number(victim.target.id), 'alice'),
      undefined,
      'no vote left',
    );
    const posts = requestsTo(emu(), 'POST', /\/vote\/$/);
    assert.deepStrictEqual(
      posts.map((p) => p.status),
      [204],
      'one vote POST reached the view (a 401 is refused before any vote)',
    );
  });

  it('when renewal fails for good every waiting request fails with one "sign in again" error, and the dead refresh token is not sent again', async () => {
    const { tokens, account } = await signInWithBrowser(emu());
    const store = await storeFor(emu(), account, tokens);
    const options = fastOptions();
    const { service } = connect(emu(), account, store, options);
    emu().oauth.revokeRefreshTokens('alice');
    emu().oauth.expireAccessTokens('alice');
    emu().clearLog();
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => collect(service.listReactions())));
    assert.ok(results.every((r) => r.status === 'rejected'));
    const errors = results.map((r) => (r as PromiseRejectedResult).reason);
    for (const e of errors) {
      assert.strictEqual(e.kind, 'auth');
      assert.match(e.message, /expired or was revoked and could not be renewed\. Sign in again\./);
    }
    assert.strictEqual(requestsTo(emu(), 'POST', TOKEN).length, 1, 'one refresh attempt for all of them');
    await rejectsKind(() => collect(service.listReactions()), 'auth');
    assert.strictEqual(requestsTo(emu(), 'POST', TOKEN).length, 1, 'the refused refresh token is not sent again');
    assert.strictEqual(stored(store, account).accessToken, tokens.accessToken, 'nothing half-replaced');
    const all = options.logger.lines.join('\n') + errors.map((e) => `${e.message} ${JSON.stringify(e)}`).join('\n');
    for (const secret of [tokens.accessToken, tokens.refreshToken!])
      assert.ok(!all.includes(secret), 'no token in logs or errors');
  });

  it('a renewal that fails for now (503): a read retries through one failure; longer, it fails with that, and a later request renews', async () => {
    const { tokens, account } = await signInWithBrowser(emu());
    const store = await storeFor(emu(), account, tokens);
    const { service } = connect(emu(), account, store);
    emu().oauth.expireAccessTokens('alice');
    emu().fault({ method: 'POST', path: TOKEN, status: 503, times: 1 });
    assert.deepStrictEqual(
      keys((await collect(service.listReactions())).items),
      truth(emu(), 'alice'),
      "one 503 is absorbed by the read's retries",
    );
    emu().oauth.expireAccessTokens('alice');
    const outage = emu().fault({ method: 'POST', path: TOKEN, status: 503 });
    const e = await rejectsKind(() => collect(service.listReactions()), 'server');
    outage.remove();
    assert.doesNotMatch(e.message, /sign in again/i, 'a server hiccup is not a reason to sign in again');
    const listed = await collect(service.listReactions());
    assert.deepStrictEqual(keys(listed.items), truth(emu(), 'alice'));
    assert.ok(
      emu().oauth.activeAccessTokens('alice').includes(stored(store, account).accessToken),
      'the stored token is live',
    );
  });

  it('two windows renewing at once both end up with the stored pair (rotation does not sign either out)', async () => {
    const { tokens, account } = await signInWithBrowser(emu());
    const store = await storeFor(emu(), account, tokens);
    const a = connect(emu(), account, store);
    const b = connect(emu(), account, store);
    emu().oauth.expireAccessTokens('alice');
    const [ra, rb] = await Promise.all([collect(a.service.listReactions()), collect(b.service.listReactions())]);
    assert.deepStrictEqual(keys(ra.items), truth(emu(), 'alice'));
    assert.deepStrictEqual(keys(rb.items), truth(emu(), 'alice'));
    const final = stored(store, account);
    assert.deepStrictEqual(
      emu().oauth.activeRefreshTokens('alice').includes(final.refreshToken!),
      true,
      'the stored refresh token is the live one',
    );
  });

  it('a pasted token is never "renewed": a 401 is the error to show', async () => {
    const alice = emu().users.find((u) => u.name === 'alice')!;
    const account = await selfCommunity.signIn(
      { baseUrl: emu().selfcommunityUrl, token: alice.scToken },
      fastOptions(),
    );
    const store = new MapStore();
    await store.store(account.id, 'sc-not-valid-anymore-123');
    const { service } = connect(emu(), account, store);
    emu().clearLog();
    await rejectsKind(() => service.reactionKinds().then(() => collect(service.listReactions())), 'auth');
    assert.strictEqual(requestsTo(emu(), 'POST', TOKEN).length, 0);
  });
});

describe('OAuth: sign-out revokes', () => {
  const emu = useEmulator({ seed: 2 });

  it('revoking the refresh token ends its access token too; the revoked refresh token cannot renew', async () => {
    const { tokens } = await signInWithBrowser(emu());
    const client = new OAuthClient(emu().selfcommunityUrl, emu().oauth.clientId, fastOptions());
    await client.revoke(tokens.refreshToken!, 'refresh_token');
    await client.revoke(tokens.accessToken, 'access_token');
    await rejectsKind(
      () => selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: tokens.accessToken }, fastOptions()),
      'auth',
    );
    await rejectsKind(() => client.refresh(tokens.refreshToken!), 'auth');
    assert.ok(!emu().oauth.activeAccessTokens('alice').includes(tokens.accessToken));
  });
});

describe('credentials format', () => {
  it('a pasted token is stored as it is and read back; OAuth credentials round-trip as one value', () => {
    assert.deepStrictEqual(parseCredentials('sc-demo-alice-Q7x2'), { type: 'token', token: 'sc-demo-alice-Q7x2' });
    assert.strictEqual(serializeCredentials({ type: 'token', token: 'abc123' }), 'abc123');
    const c: Credentials = {
      type: 'oauth',
      clientId: 'app',
      accessToken: 'a1b2c3',
      refreshToken: 'r1r2r3',
      expiresAt: 5,
      issuedAt: 1,
      scope: 'read',
    };
    assert.deepStrictEqual(parseCredentials(serializeCredentials(c)), c);
    assert.strictEqual(parseCredentials(''), undefined);
    assert.deepStrictEqual(parseCredentials('{not json'), { type: 'token', token: '{not json' });
  });
});
