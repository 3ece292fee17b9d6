/**
 * Where a request may go: the base URL a person typed (https only, except loopback), paths and links
 * resolved against it, and the same-origin rule for `next` links and redirects — the token is only ever
 * sent to the origin of the account.
 */
import { ReactionsError } from '../errors';

/** Query parameters of a request; undefined and null ones are left out. */
export type Query = Record<string, string | number | boolean | undefined | null>;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

const URL_FIELD = { field: 'baseUrl' } as const;

/**
 * Validates and normalises a base URL a person typed: https (http only for loopback hosts), a host, no
 * credentials, query or fragment; keeps a path prefix; strips trailing slashes. A bare host name is
 * taken as https. Strict, so a typo is named at the URL step instead of failing after the token:
 * `htp:/x`, `http//x`, `ftp://x`, `x y`, `https:///x` are refused, each with what is wrong.
 */
export function normalizeBaseUrl(raw: string): string {
  const text = (raw ?? '').trim();
  if (!text)
    throw new ReactionsError(
      'invalid-input',
      'Enter the URL of the site, e.g. https://community.example.com.',
      URL_FIELD,
    );
  if (/\s/.test(text))
    throw new ReactionsError(
      'invalid-input',
      'The address contains a space: enter just the site address, e.g. https://community.example.com.',
      URL_FIELD,
    );
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  // "host:8080" is a host and a port, not a scheme
  const isScheme = scheme && !/^\d/.test(text.slice(scheme[0].length));
  // named in the message only when short: a token pasted into the box must not be echoed
  const named = scheme && scheme[1].length <= 10 ? `"${scheme[1]}:"` : 'The scheme';
  if (isScheme && !text.slice(scheme[0].length).startsWith('//'))
    throw new ReactionsError(
      'invalid-input',
      `${named} must be followed by "//": write https://community.example.com.`,
      URL_FIELD,
    );
  if (isScheme && !/^https?$/i.test(scheme[1]))
    throw new ReactionsError(
      'invalid-input',
      `${named} is not supported: the address must start with https:// (or http:// for localhost).`,
      URL_FIELD,
    );
  const missingColon = /^(https?)\/\//i.exec(text);
  if (!isScheme && missingColon)
    throw new ReactionsError(
      'invalid-input',
      `The address starts with "${missingColon[0]}": a colon is missing, write ${missingColon[1].toLowerCase()}://….`,
      URL_FIELD,
    );
  const withScheme = isScheme ? text : `https://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    // Never echo what was typed: it may be a token pasted into the wrong box.
    throw new ReactionsError(
      'invalid-input',
      'That is not a valid URL: enter the site address, e.g. https://community.example.com.',
      URL_FIELD,
    );
  }
  const afterScheme = withScheme.slice(withScheme.indexOf('//') + 2);
  if (!u.hostname || afterScheme.startsWith('/') || afterScheme.includes('//'))
    throw new ReactionsError(
      'invalid-input',
      'The address has no host name, or a stray "//": enter e.g. https://community.example.com.',
      URL_FIELD,
    );
  if (u.username || u.password) {
    throw new ReactionsError(
      'unsafe',
      "The URL must not contain a user name or password. Enter the token separately; it is kept in VS Code's secret storage.",
      URL_FIELD,
    );
  }
  if (u.search || u.hash) {
    throw new ReactionsError(
      'invalid-input',
      'The URL must not contain a query (?…) or fragment (#…). Enter just the site address.',
      URL_FIELD,
    );
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    throw new ReactionsError(
      'unsafe',
      'Refusing a plain http:// address: tokens are only sent over https (plain http is allowed for localhost only).',
      URL_FIELD,
    );
  }
  const path = u.pathname.replace(/\/+$/, '').replace(/\/api\/v[12]$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

/** The base URL of one account and the origin its token may be sent to. */
export class Origin {
  readonly baseUrl: string;
  readonly origin: string;

  constructor(baseUrl: string) {
    this.baseUrl = normalizeBaseUrl(baseUrl);
    this.origin = new URL(this.baseUrl).origin;
  }

  /** Resolves a path (relative to the base URL, path prefix included) or an absolute same-origin URL. */
  resolve(pathOrUrl: string, query?: Query): URL {
    let url: URL;
    if (/^https?:\/\//i.test(pathOrUrl)) {
      url = new URL(pathOrUrl);
      this.assertSame(url, 'link');
    } else {
      url = new URL(this.baseUrl + (pathOrUrl.startsWith('/') ? pathOrUrl : `/${pathOrUrl}`));
    }
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    }
    return url;
  }

  /** Refuses a link (`what`: 'link', '"next" link', …) to another site. */
  assertSame(url: URL, what: string): void {
    if (url.origin !== this.origin) {
      throw new ReactionsError(
        'unsafe',
        `Refused to follow a ${what} to another site (${url.origin}); the token is only sent to ${this.origin}. Check the account URL.`,
        { url: url.origin },
      );
    }
  }

  /** A link a server sent (relative to the base URL), checked to stay on this origin. */
  link(href: string, what: string): URL {
    const url = new URL(href, this.baseUrl);
    this.assertSame(url, what);
    return url;
  }
}
