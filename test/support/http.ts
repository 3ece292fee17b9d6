/** Raw HTTP calls to the emulator for the tests of the emulator itself (no client of the extension). */

/** A response read whole: status, headers, text, and the JSON when the text parses. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read arbitrary JSON shapes
  json: any;
}

export async function readReply(res: Response): Promise<Reply> {
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface CallOptions {
  /** Default: POST when there is a body or a form, else GET. */
  method?: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** A string is sent as is, anything else as JSON; either with content type application/json unless `contentType` says otherwise. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Overrides the content type. */
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Default: manual (a redirect is the answer). */
  redirect?: RequestRedirect;
}

export async function call(url: string, o: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined;
  if (o.form) {
    body = new URLSearchParams(o.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  if (o.contentType) headers['content-type'] = o.contentType;
  const res = await fetch(url, {
    method: o.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: o.signal,
    redirect: o.redirect ?? 'manual',
  });
  return readReply(res);
}
