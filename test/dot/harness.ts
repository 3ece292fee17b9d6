/**
 * The DOT layer's harness: starts test/dot/dotserver.py (stock Django OAuth Toolkit from Debian in a
 * throwaway Django project in a temp dir; with `DOT_DRF_RATE`, also drfapi.py's SelfCommunity-shaped
 * Django REST Framework API under that throttle) and a scripted "browser" that logs in with Django's
 * login form (CSRF cookie + token, session cookie), opens the consent page and presses Authorize or Cancel.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Debian's interpreter: the python3 first on PATH may be another build that does not see Debian's packages. */
export const PYTHON = process.env.REACTIONS_DOT_PYTHON ?? '/usr/bin/python3';
export const APT_COMMAND =
  'sudo apt-get update && sudo apt-get install -y python3-django python3-django-oauth-toolkit python3-djangorestframework';

export interface DotInfo {
  baseUrl: string;
  clientId: string;
  username: string;
  password: string;
  redirectUris: string[];
  accessTokenSeconds: number;
  versions: { django: string; dot: string };
  /** What DOT's admin-form validation says about a `vscode://` redirect URI. */
  vscodeSchemeVerdict: string;
  /** With `DOT_DRF_RATE`: an access token of the user, the throttle rate, the statuses the user voted. */
  drf?: { token: string; rate: string; voted: number[]; versions: { drf: string } };
}

export interface LogEntry {
  method: string;
  path: string;
  grant_type: string | null;
  status: number;
  /** When the request arrived, ms since the server started. */
  at: number;
  retry_after: string | null;
  /** The JSON body of a 429. */
  body?: unknown;
}

export interface DotServer extends DotInfo {
  log(): Promise<LogEntry[]>;
  stats(): Promise<{ accessTokens: number; refreshTokens: number; liveRefreshTokens: number; grants: number }>;
  /** Expires every access token in DOT's database: the next use is refused with 401. */
  expireAccessTokens(): Promise<void>;
  /** drfapi.py: vote POSTs that reached the view, per status id; the statuses voted now. */
  drfState(): Promise<{ applied: Record<string, number>; voted: number[] }>;
  close(): Promise<void>;
}

/** Throws with the exact install command when Debian's Django / DOT / DRF are missing. */
export function requireDjango(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import django, oauth2_provider, rest_framework'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `The DOT test layer needs Debian's Django, Django OAuth Toolkit and Django REST Framework for ${PYTHON} ` +
        `(${(probe.error?.message ?? probe.stderr).trim().split('\n').pop()}). Install them with:\n  ${APT_COMMAND}`,
    );
  }
}

export async function startDot(env: Record<string, string> = {}): Promise<DotServer> {
  requireDjango();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-dot-'));
  const child: ChildProcess = spawn(PYTHON, [path.join(__dirname, 'dotserver.py'), tmp], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const info = await new Promise<DotInfo>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`DOT server did not start in 60 s:\n${stderr}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as DotInfo);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`DOT server exited (${code}):\n${stderr}`));
    });
  });
  const json = async <T>(p: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(info.baseUrl + p, init);
    if (!res.ok) throw new Error(`${p}: ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    ...info,
    log: () => json<LogEntry[]>('/_test/log/'),
    stats: () => json('/_test/stats/'),
    expireAccessTokens: async () => void (await json('/_test/expire/', { method: 'POST' })),
    drfState: () => json('/_test/drf/'),
    close: async () => {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** A browser with a cookie jar that does not follow redirects by itself. */
export class ScriptedBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly dot: DotInfo) {}

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    });
    if (url.startsWith(this.dot.baseUrl)) {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
      }
    }
    return res;
  }

  /** Logs in as the Django user through the login form. */
  async logIn(): Promise<void> {
    const url = `${this.dot.baseUrl}/accounts/login/`;
    const form = hiddenInputs(await (await this.request(url)).text());
    const res = await this.request(url, {
      method: 'POST',
      form: { ...form, username: this.dot.username, password: this.dot.password, next: '/' },
    });
    if (res.status !== 302) throw new Error(`login failed: ${res.status}`);
  }

  /**
   * Opens the consent page and presses Authorize (or Cancel); returns where the community sends the
   * browser (the redirect URI with `code`/`error` and `state`) without going there.
   */
  async consent(authorizeUrl: string, allow: boolean): Promise<string> {
    const page = await this.request(authorizeUrl);
    const html = await page.text();
    if (page.status !== 200 || !/id="authorizationForm"/.test(html))
      throw new Error(`no consent page (${page.status}): ${html.slice(0, 300)}`);
    const form = hiddenInputs(html);
    const res = await this.request(authorizeUrl, {
      method: 'POST',
      form: allow ? { ...form, allow: 'Authorize' } : form,
    });
    const location = res.headers.get('location');
    if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}, not a redirect`);
    return location;
  }
}

/** The hidden inputs of a Django form (CSRF token and DOT's authorize fields). */
export function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of html.match(/<input[^>]*type="hidden"[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
    if (name) out[name] = unescapeHtml(value);
  }
  return out;
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
