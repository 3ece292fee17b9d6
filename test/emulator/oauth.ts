/**
 * OAuth 2 on the emulated SelfCommunity server, with Django OAuth Toolkit semantics: public apps, the
 * authorization-code grant with PKCE (a small consent page stands in for the community's login: its
 * user select says who is signed in), refresh (rotating by default) and password grants, RFC 7009
 * revocation, and the access tokens the API accepts. selfcommunity.ts routes `/oauth/...` here;
 * `control` is `emu.oauth`.
 */
import { createHash, randomBytes } from 'crypto';
import type { Ctx, Reply } from './server';
import type { OAuthAppSpec, OAuthControl, OAuthOptions, OAuthPkceMode, OAuthStats, UserName } from './types';
import { USERS, USER_NAMES, userIndex } from './users';

export const OAUTH_DEMO_CLIENT_ID = 'reactions-demo';
export const OAUTH_STRICT_CLIENT_ID = 'reactions-strict';

const DEFAULT_APPS: readonly OAuthAppSpec[] = [
  { clientId: OAUTH_DEMO_CLIENT_ID, name: 'Reactions for VS Code (demo)', redirectUris: [] },
  {
    clientId: OAUTH_STRICT_CLIENT_ID,
    name: 'Reactions (strict)',
    redirectUris: ['vscode://reactions-dev.reactions-vscode/oauth-callback', 'http://127.0.0.1/callback'],
  },
];
const COMMUNITY_NAME = 'Example Community';
const SCOPES: Record<string, string> = {
  read: 'See your profile, posts, comments and reactions',
  write: 'Add, change and remove your reactions',
};
const DEFAULT_LIFETIME_S = 36000;
const CODE_TTL_MS = 60_000;
const PKCE_MODES: readonly OAuthPkceMode[] = ['optional', 'required', 'unsupported', 'refused'];
/** The parameters of an authorization request, carried by the consent form as hidden inputs. */
const AUTH_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'scope',
  'code_challenge',
  'code_challenge_method',
];

interface Grant {
  clientId: string;
  redirectUri: string;
  user: UserName;
  scope: string;
  challenge?: string;
  method?: 'S256' | 'plain';
  expiresAt: number;
}
interface AccessToken {
  user: UserName;
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}
interface RefreshToken {
  user: UserName;
  clientId: string;
  scope: string;
  access: string;
  revoked: boolean;
}
/** A validated authorization request. */
interface AuthRequest {
  app: OAuthAppSpec;
  redirectUri: string;
  state: string | null;
  scope: string;
  challenge?: string;
  method?: 'S256' | 'plain';
}

const random = () => randomBytes(24).toString('base64url');
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
const jsonError = (
  status: number,
  error: string,
  description?: string,
  headers: Record<string, string> = {},
): Reply => ({
  status,
  json: description ? { error, error_description: description } : { error },
  headers: { ...NO_STORE, ...headers },
});

function lifetime(seconds: number): number {
  if (!(Number.isFinite(seconds) && seconds > 0))
    throw new Error(`oauth: access token lifetime must be a number of seconds > 0, got ${seconds}`);
  return seconds;
}

function pkceMode(mode: string): OAuthPkceMode {
  if (!PKCE_MODES.includes(mode as OAuthPkceMode))
    throw new Error(`oauth: pkce must be one of ${PKCE_MODES.join(', ')}, got "${mode}"`);
  return mode as OAuthPkceMode;
}

/** Parses an absolute URI without a fragment, whitespace or control characters; undefined otherwise. */
function parseUri(uri: string): URL | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(uri)) return undefined;
  try {
    const u = new URL(uri);
    return u.hash || uri.includes('#') ? undefined : u;
  } catch {
    return undefined;
  }
}

/** DOT's rule: same scheme, host, port (any port for an http loopback IP, RFC 8252 §7.3) and path; registered query ⊆ given query. */
function redirectUriAllowed(uri: string, registered: readonly string[]): boolean {
  const given = parseUri(uri);
  if (!given) return false;
  if (registered.length === 0) return true;
  const givenQuery = new Set([...given.searchParams].map((kv) => JSON.stringify(kv)));
  return registered.some((r) => {
    const reg = new URL(r);
    const loopback = reg.protocol === 'http:' && (reg.hostname === '127.0.0.1' || reg.hostname === '[::1]');
    if (reg.protocol !== given.protocol || reg.hostname !== given.hostname || (!loopback && reg.port !== given.port))
      return false;
    if (reg.pathname !== given.pathname) return false;
    return [...reg.searchParams].every((kv) => givenQuery.has(JSON.stringify(kv)));
  });
}

/** The redirect URI with the parameters appended to its query (which is kept as sent). */
function withParams(uri: string, params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, v);
  const sep = !uri.includes('?') ? '?' : /[?&]$/.test(uri) ? '' : '&';
  return `${uri}${sep}${q}`;
}

const redirect = (location: string): Reply => ({ status: 302, text: '', headers: { location, ...NO_STORE } });

function isForm(ctx: Ctx): boolean {
  return (ctx.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

const CSS = `body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f1f3f6;color:#1f2430;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:min(440px,calc(100vw - 32px));background:#fff;border-radius:14px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 12px 32px rgba(16,24,40,.08);padding:28px}
.community{display:flex;align-items:center;gap:10px;color:#667085;font-size:13px;margin-bottom:20px}
.logo{width:30px;height:30px;border-radius:8px;background:#3b5bdb;color:#fff;display:grid;place-items:center;font-weight:700}
h1{font-size:20px;margin:0 0 8px}p{margin:0 0 16px;color:#475467}
label{display:block;font-size:13px;font-weight:600;margin-bottom:6px}
select{width:100%;padding:9px 10px;border:1px solid #d0d5dd;border-radius:8px;font:inherit;background:#fff;margin-bottom:18px}
ul{list-style:none;margin:0 0 22px;padding:12px 14px;background:#f8f9fb;border:1px solid #eaecf0;border-radius:8px}li{padding:3px 0}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#eef1f6;border-radius:4px;padding:1px 5px;margin-left:4px}
.actions{display:flex;gap:10px;justify-content:flex-end}
button{font:inherit;font-weight:600;padding:9px 20px;border-radius:8px;border:1px solid #d0d5dd;background:#fff;color:#344054;cursor:pointer}
#approve{background:#3b5bdb;border-color:#3b5bdb;color:#fff}
.small{font-size:12px;color:#98a2b3;margin:18px 0 0;word-break:break-all}.error{color:#b42318;font-weight:600}`;

function page(status: number, title: string, host: string, body: string): Reply {
  const text = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<div class="community"><span class="logo">${esc(COMMUNITY_NAME.charAt(0))}</span><span>${esc(COMMUNITY_NAME)} · ${esc(host)}</span></div>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`;
  return { status, text, headers: { 'content-type': 'text/html; charset=utf-8', ...NO_STORE } };
}

export class OAuthServer {
  private readonly apps = new Map<string, OAuthAppSpec>();
  private readonly codes = new Map<string, Grant>();
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private lifetimeS: number;
  private pkce: OAuthPkceMode;
  private readonly rotate: boolean;
  private browserUser: UserName = 'alice';
  private readonly counts: OAuthStats = {
    codesIssued: 0,
    codeExchanges: 0,
    refreshes: 0,
    passwordGrants: 0,
    revocations: 0,
    failedTokenRequests: 0,
  };

  constructor(opts: OAuthOptions = {}) {
    for (const app of opts.apps ?? DEFAULT_APPS) {
      if (this.apps.has(app.clientId)) throw new Error(`oauth: client id "${app.clientId}" is registered twice`);
      for (const uri of app.redirectUris)
        if (!parseUri(uri))
          throw new Error(`oauth: redirect URI "${uri}" of ${app.clientId} must be absolute, without a fragment`);
      this.apps.set(app.clientId, { ...app, redirectUris: [...app.redirectUris] });
    }
    this.lifetimeS = lifetime(opts.accessTokenLifetimeSeconds ?? DEFAULT_LIFETIME_S);
    this.pkce = pkceMode(opts.pkce ?? 'optional');
    this.rotate = opts.rotateRefreshTokens ?? true;
  }

  /** The user behind an issued access token the API accepts now (not expired, not revoked). */
  userOf(token: string): UserName | undefined {
    const t = this.access.get(token);
    return t && !t.revoked && Date.now() < t.expiresAt ? t.user : undefined;
  }

  // ---- authorize ---------------------------------------------------------------------------------

  /** Validates an authorization request: the request, or the reply (a 400 page, or a redirect with an error). */
  private validate(ctx: Ctx, p: URLSearchParams): AuthRequest | Reply {
    const host = ctx.url.host;
    const fail = (error: string, description: string) =>
      page(
        400,
        'Authorization error',
        host,
        `<p class="error">${esc(error)}</p><p>${esc(description)}</p><p>The application sent an invalid request; you were not sent back to it.</p>`,
      );
    const clientId = p.get('client_id');
    const app = clientId ? this.apps.get(clientId) : undefined;
    if (!clientId) return fail('invalid_request', 'Missing client_id parameter.');
    if (!app)
      return fail(
        'invalid_client',
        `Invalid client_id parameter value: no application "${clientId}" on this community.`,
      );
    const redirectUri = p.get('redirect_uri');
    if (!redirectUri) return fail('invalid_request', 'Missing redirect URI.');
    if (!parseUri(redirectUri))
      return fail('invalid_request', `Invalid redirect URI "${redirectUri}" (absolute, without a fragment).`);
    if (!redirectUriAllowed(redirectUri, app.redirectUris))
      return fail('invalid_request', `Mismatching redirect URI: "${redirectUri}" is not registered for ${app.name}.`);

    const state = p.get('state');
    const back = (error: string, description?: string) =>
      redirect(withParams(redirectUri, { error, error_description: description, state }));
    const responseType = p.get('response_type');
    if (!responseType) return back('invalid_request', 'Missing response_type parameter.');
    if (responseType !== 'code') return back('unsupported_response_type');
    const scopes = (p.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const unknown = scopes.filter((s) => !(s in SCOPES));
    if (unknown.length) return back('invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);
    const scope = Object.keys(SCOPES)
      .filter((s) => scopes.length === 0 || scopes.includes(s))
      .join(' ');
    const request: AuthRequest = { app, redirectUri, state, scope };
    if (this.pkce === 'unsupported') return request;
    if (this.pkce === 'refused') {
      return p.get('code_challenge')
        ? back('invalid_request', 'code_challenge is not supported by this server.')
        : request;
    }
    const method = p.get('code_challenge_method');
    if (method !== null && method !== 'S256' && method !== 'plain')
      return back('invalid_request', 'Transform algorithm not supported: code_challenge_method must be S256 or plain.');
    const challenge = p.get('code_challenge');
    if (!challenge)
      return this.pkce === 'required'
        ? back('invalid_request', 'PKCE is required by this server: code_challenge required.')
        : request;
    return { ...request, challenge, method: method ?? 'plain' };
  }

  /** GET: the consent page. */
  authorizePage(ctx: Ctx): Reply {
    const r = this.validate(ctx, ctx.query);
    if ('status' in r) return r;
    const hidden = AUTH_PARAMS.filter((k) => ctx.query.has(k))
      .map((k) => `<input type="hidden" name="${k}" value="${esc(ctx.query.get(k) ?? '')}">`)
      .join('\n');
    const options = USERS.map(
      (u) =>
        `<option value="${u.name}"${u.name === this.browserUser ? ' selected' : ''}>${esc(u.displayName)} (${u.name})</option>`,
    ).join('');
    const scopes = r.scope
      .split(' ')
      .map((s) => `<li>${esc(SCOPES[s])}<code>${s}</code></li>`)
      .join('');
    // A relative form action: the page also works behind a path proxy (code-server opens loopback
    // sites as /proxy/<port>/...), like a community behind a reverse proxy.
    const body = `<p><strong>${esc(r.app.name)}</strong> wants to access your ${esc(COMMUNITY_NAME)} account.</p>
<form method="post" action="./">
<label for="user">Signed in as</label>
<select name="user" id="user">${options}</select>
<p>It will be able to:</p>
<ul class="scopes">${scopes}</ul>
${hidden}
<div class="actions"><button type="submit" id="deny" name="allow" value="Deny">Deny</button><button type="submit" id="approve" name="allow" value="Authorize">Authorize</button></div>
</form>
<p class="small">Requested scope: ${esc(r.scope)} · you will be sent back to ${esc(r.redirectUri)}</p>`;
    return page(200, `Authorize ${r.app.name}`, ctx.url.host, body);
  }

  /** POST from the consent page: re-validates, then redirects with a code or access_denied. */
  authorizeDecision(ctx: Ctx): Reply {
    const form = new URLSearchParams(isForm(ctx) ? ctx.body : '');
    const r = this.validate(ctx, form);
    if ('status' in r) return r;
    const user = form.get('user') ?? this.browserUser;
    if (!USER_NAMES.includes(user as UserName))
      return page(400, 'Authorization error', ctx.url.host, `<p class="error">Unknown user "${esc(user)}".</p>`);
    if (form.get('allow') !== 'Authorize')
      return redirect(withParams(r.redirectUri, { error: 'access_denied', state: r.state }));
    const now = Date.now();
    for (const [c, g] of this.codes) if (g.expiresAt <= now) this.codes.delete(c);
    const code = random();
    this.codes.set(code, {
      clientId: r.app.clientId,
      redirectUri: r.redirectUri,
      user: user as UserName,
      scope: r.scope,
      challenge: r.challenge,
      method: r.method,
      expiresAt: now + CODE_TTL_MS,
    });
    this.counts.codesIssued++;
    return redirect(withParams(r.redirectUri, { code, state: r.state }));
  }

  // ---- token -------------------------------------------------------------------------------------

  /** The client of a token or revocation request: from HTTP Basic auth or `client_id`; a 401 reply when unknown. */
  private client(ctx: Ctx, form: URLSearchParams): OAuthAppSpec | Reply {
    const basic = /^\s*Basic\s+(\S+)\s*$/i.exec(ctx.headers.authorization ?? '');
    let id = form.get('client_id');
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const fromHeader = decodeURIComponent(decoded.split(':')[0].replace(/\+/g, ' '));
      if (id !== null && id !== fromHeader)
        return jsonError(401, 'invalid_client', 'client_id differs from the Basic credentials.', {
          'www-authenticate': 'Basic',
        });
      id = fromHeader;
    }
    const app = id ? this.apps.get(id) : undefined;
    return app ?? jsonError(401, 'invalid_client', undefined, basic ? { 'www-authenticate': 'Basic' } : {});
  }

  token(ctx: Ctx): Reply {
    const reply = this.tokenReply(ctx);
    if (reply.status >= 400) this.counts.failedTokenRequests++;
    return reply;
  }

  private tokenReply(ctx: Ctx): Reply {
    if (!isForm(ctx)) return jsonError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
    const form = new URLSearchParams(ctx.body);
    const app = this.client(ctx, form);
    if ('status' in app) return app;
    const grantType = form.get('grant_type');
    switch (grantType) {
      case 'authorization_code':
        return this.codeGrant(app, form);
      case 'refresh_token':
        return this.refreshGrant(app, form);
      case 'password':
        return this.passwordGrant(app, form);
      case null:
        return jsonError(400, 'invalid_request', 'Request is missing grant_type.');
      default:
        return jsonError(400, 'unsupported_grant_type');
    }
  }

  private codeGrant(app: OAuthAppSpec, form: URLSearchParams): Reply {
    const code = form.get('code');
    if (!code) return jsonError(400, 'invalid_request', 'Missing code parameter.');
    const grant = this.codes.get(code);
    const invalid = (why: string) => jsonError(400, 'invalid_grant', why);
    if (!grant) return invalid('Unknown, already used or expired authorization code.');
    if (grant.expiresAt <= Date.now()) {
      this.codes.delete(code);
      return invalid('The authorization code has expired.');
    }
    if (grant.clientId !== app.clientId) return invalid('The authorization code was issued to another client.');
    if (form.get('redirect_uri') !== grant.redirectUri)
      return invalid('Mismatching redirect URI: it must equal the one of the authorization request.');
    if (grant.challenge !== undefined) {
      const verifier = form.get('code_verifier');
      if (!verifier) return jsonError(400, 'invalid_request', 'Code verifier required.');
      const computed = grant.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (computed !== grant.challenge) return invalid('The code_verifier does not match the code_challenge.');
    }
    this.codes.delete(code);
    this.counts.codeExchanges++;
    return this.issue(grant.user, app.clientId, grant.scope);
  }

  private refreshGrant(app: OAuthAppSpec, form: URLSearchParams): Reply {
    const token = form.get('refresh_token');
    if (!token) return jsonError(400, 'invalid_request', 'Missing refresh_token parameter.');
    const r = this.refresh.get(token);
    if (!r || r.revoked) return jsonError(400, 'invalid_grant', 'Unknown, revoked or already used refresh token.');
    if (r.clientId !== app.clientId)
      return jsonError(400, 'invalid_grant', 'The refresh token was issued to another client.');
    this.revokeAccess(r.access);
    this.counts.refreshes++;
    if (this.rotate) {
      r.revoked = true;
      return this.issue(r.user, r.clientId, r.scope);
    }
    // DOT without rotation updates the refresh token's access token in place: the old string stops working.
    r.access = this.newAccess(r.user, r.clientId);
    return this.tokenJson(r.access, token, r.scope);
  }

  private passwordGrant(app: OAuthAppSpec, form: URLSearchParams): Reply {
    const username = form.get('username');
    const password = form.get('password');
    if (!username || password === null) return jsonError(400, 'invalid_request', 'Missing username or password.');
    const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const unknown = scopes.filter((s) => !(s in SCOPES));
    if (unknown.length) return jsonError(400, 'invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);
    const user = USERS.find((u) => u.name === username || u.email.toLowerCase() === username.toLowerCase());
    if (!user || password !== `${user.name}-password`)
      return jsonError(400, 'invalid_grant', 'Invalid credentials given.');
    this.counts.passwordGrants++;
    return this.issue(
      user.name,
      app.clientId,
      Object.keys(SCOPES)
        .filter((s) => scopes.length === 0 || scopes.includes(s))
        .join(' '),
    );
  }

  private newAccess(user: UserName, clientId: string): string {
    const token = `sc-oauth-${user}-${random()}`;
    this.access.set(token, { user, clientId, expiresAt: Date.now() + this.lifetimeS * 1000, revoked: false });
    return token;
  }

  private issue(user: UserName, clientId: string, scope: string): Reply {
    const access = this.newAccess(user, clientId);
    const refresh = `sc-refresh-${user}-${random()}`;
    this.refresh.set(refresh, { user, clientId, scope, access, revoked: false });
    return this.tokenJson(access, refresh, scope);
  }

  private tokenJson(access: string, refresh: string, scope: string): Reply {
    const expiresIn = Math.max(1, Math.floor(this.lifetimeS));
    return {
      status: 200,
      json: { access_token: access, expires_in: expiresIn, token_type: 'Bearer', scope, refresh_token: refresh },
      headers: { ...NO_STORE },
    };
  }

  private revokeAccess(token: string): void {
    const t = this.access.get(token);
    if (t) t.revoked = true;
  }

  // ---- revoke ------------------------------------------------------------------------------------

  /** RFC 7009: 200 with an empty body whether or not the token existed. A refresh token takes its access token along. */
  revoke(ctx: Ctx): Reply {
    if (!isForm(ctx)) return jsonError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
    const form = new URLSearchParams(ctx.body);
    const app = this.client(ctx, form);
    if ('status' in app) return app;
    const token = form.get('token');
    if (!token) return jsonError(400, 'invalid_request', 'Missing token parameter.');
    const r = this.refresh.get(token);
    if (r) {
      r.revoked = true;
      this.revokeAccess(r.access);
    }
    this.revokeAccess(token);
    this.counts.revocations++;
    return { status: 200, text: '' };
  }

  // ---- test control ------------------------------------------------------------------------------

  control(): OAuthControl {
    const getUser = () => this.browserUser;
    const setUser = (name: UserName) => {
      userIndex(name);
      this.browserUser = name;
    };
    const of = (user: UserName | undefined) => {
      if (user !== undefined) userIndex(user);
      return (t: { user: UserName }) => user === undefined || t.user === user;
    };
    return {
      clientId: OAUTH_DEMO_CLIENT_ID,
      strictClientId: OAUTH_STRICT_CLIENT_ID,
      get browserUser() {
        return getUser();
      },
      set browserUser(name: UserName) {
        setUser(name);
      },
      setAccessTokenLifetime: (seconds) => {
        this.lifetimeS = lifetime(seconds);
      },
      expireAccessTokens: (user) => {
        const mine = of(user);
        const now = Date.now();
        for (const t of this.access.values()) if (mine(t) && t.expiresAt > now) t.expiresAt = now;
      },
      revokeRefreshTokens: (user) => {
        const mine = of(user);
        for (const r of this.refresh.values()) if (mine(r)) r.revoked = true;
      },
      setPkce: (mode) => {
        this.pkce = pkceMode(mode);
      },
      stats: () => ({ ...this.counts }),
      activeAccessTokens: (user) => {
        const mine = of(user);
        return [...this.access.keys()].filter((k) => mine(this.access.get(k)!) && this.userOf(k) !== undefined);
      },
      activeRefreshTokens: (user) => {
        const mine = of(user);
        return [...this.refresh.entries()].filter(([, r]) => mine(r) && !r.revoked).map(([k]) => k);
      },
    };
  }
}
