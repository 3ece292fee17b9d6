/**
 * What both sign-ins share: cleaning a pasted token, and the one mapping from what the service's "who
 * am I" request answered to a message that says which input to fix (`field`: the flow returns there).
 */
import { ReactionsError, isReactionsError, type InputField } from '../errors';
import type { HttpClient } from '../http';

/** Trims a pasted token and refuses an empty one or one with spaces inside (a pasted sentence, two tokens). */
export function cleanToken(raw: string | undefined, noun: 'access token' | 'API key'): string {
  const token = (raw ?? '').trim();
  if (!token) throw new ReactionsError('invalid-input', `Enter an ${noun}.`, { field: 'token' });
  if (/\s/.test(token))
    throw new ReactionsError(
      'invalid-input',
      `The ${noun} contains spaces; paste just the ${noun === 'API key' ? 'key' : 'token'}.`,
      { field: 'token' },
    );
  return token;
}

/** How a service's sign-in names itself in messages. */
export interface SignInWords {
  /** "SelfCommunity", "Tines" */
  readonly service: string;
  /** "community", "tenant" */
  readonly site: string;
  /** "the token", "the API key" */
  readonly credential: string;
  /** "a current access token": what the credential must be. */
  readonly expected: string;
}

/**
 * GETs the endpoint that proves a token works (`/user/me`, `/info`). A refused token, a missing API
 * and the rest become errors that blame the input to fix: 401/403 the token, 404 (no such API), a
 * redirect elsewhere or an unreachable server the URL.
 */
export async function probeSignIn<T>(http: HttpClient, path: string, words: SignInWords): Promise<T> {
  try {
    return await http.get<T>(path);
  } catch (e) {
    throw signInError(e, http.baseUrl, path, words);
  }
}

function signInError(e: unknown, baseUrl: string, path: string, w: SignInWords): unknown {
  if (!isReactionsError(e)) return e;
  const host = new URL(baseUrl).host;
  if (e.kind === 'auth')
    return new ReactionsError(
      'auth',
      `${w.service} at ${host} rejected ${w.credential} (401). Check that it is ${w.expected} for this ${w.site}.`,
      { field: 'token' },
    );
  if (e.kind === 'not-found')
    return new ReactionsError(
      'invalid-input',
      `No ${w.service} API at ${baseUrl} (${path} was not found). Check the ${w.site} URL.`,
      { field: 'baseUrl' },
    );
  const field = FIELD_OF_KIND[e.kind];
  return field ? blame(e, field) : e;
}

/** The input other failures of a sign-in point to (the message stays as the HTTP client wrote it). */
const FIELD_OF_KIND: Partial<Record<ReactionsError['kind'], InputField>> = {
  forbidden: 'token',
  unsafe: 'baseUrl',
  network: 'baseUrl',
  'bad-response': 'baseUrl',
};

/** The same error, blaming an input. */
export function blame(e: ReactionsError, field: InputField): ReactionsError {
  const { status, method, url, retryAfterMs, bodyExcerpt, serverMessage } = e;
  return new ReactionsError(e.kind, e.message, {
    status,
    method,
    url,
    retryAfterMs,
    bodyExcerpt,
    serverMessage,
    field,
  });
}
