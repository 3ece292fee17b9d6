/**
 * HTTP plumbing shared by the three servers: reads the request, logs it, applies latency and faults,
 * asks the app for a reply and writes it. Apps are pure: `handle(ctx)` returns a Reply and never
 * touches the socket, so faults can run the real handler first (`applyFirst`) or rewrite its answer.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { sleep } from '../../src/core/async';
import { isFailing, type Faults } from './faults';
import type { RateLimits } from './rateLimits';
import type { FaultSpec, LoggedRequest, ServerName } from './types';

export interface Ctx {
  method: string;
  url: URL;
  /** Pathname after the app's prefix. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
  /** The bearer token sent, if any. */
  token?: string;
  /** User name behind the token, when it is valid on this server. */
  user?: string;
  /** Origin + prefix, no trailing slash: where absolute links of this server start. */
  base: string;
}

export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** A long body sent chunked (no Content-Length): `head`, `chunk` × `times`, `tail`; never whole in memory. */
  stream?: { head: string; chunk: string; times: number; tail: string };
}

export interface App {
  readonly name: ServerName;
  readonly prefix: string;
  userOf(token: string): string | undefined;
  handle(ctx: Ctx): Reply;
  /** What this server answers for a status when nothing more specific is known (faults without a body, unknown paths). */
  errorReply(status: number): Reply;
}

/** State shared by the servers of one emulator. */
export interface Shared {
  readonly requests: LoggedRequest[];
  readonly otherRequests: LoggedRequest[];
  readonly faults: Faults;
  readonly limits: RateLimits;
  latencyMs: number;
  otherUrl: string;
  /** Called once per request when it is answered (or reset, or given up). */
  onRequest?: (entry: LoggedRequest) => void;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function bearer(value: string | undefined): string | undefined {
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return m ? m[1] : undefined;
}

/** Strips the prefix; undefined when the path is outside it. */
function stripPrefix(pathname: string, prefix: string): string | undefined {
  if (!prefix) return pathname;
  if (pathname === prefix) return '/';
  return pathname.startsWith(prefix + '/') ? pathname.slice(prefix.length) : undefined;
}

function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** Points an SC `next` or a Tines `meta.next_page` at the other origin (same path and query). */
function crossOriginNext(reply: Reply, ctx: Ctx, otherUrl: string): void {
  const json = reply.json as Record<string, unknown> | undefined;
  if (!json || typeof json !== 'object') return;
  const move = (link: unknown) => {
    const u = typeof link === 'string' ? new URL(link) : ctx.url;
    return `${otherUrl}${u.pathname}${u.search}`;
  };
  if ('next' in json) json.next = move(json.next);
  const meta = json.meta as Record<string, unknown> | undefined;
  if (meta && typeof meta === 'object') meta.next_page = move(meta.next_page);
}

function truncatedJson(reply: Reply): string {
  const text =
    reply.json !== undefined ? JSON.stringify(reply.json) : reply.text || '{"id": 1, "voted": true, "reaction": {"id"';
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

export class EmuServer {
  private readonly server: http.Server;
  private readonly open = new Set<http.ServerResponse>();
  origin = '';

  constructor(
    private readonly app: App,
    private readonly shared: Shared,
  ) {
    this.server = http.createServer((req, res) => {
      this.open.add(res);
      res.on('close', () => this.open.delete(res));
      this.onRequest(req, res).catch((e) => {
        if (!res.headersSent && !res.destroyed)
          this.send(res, { status: 500, text: `Emulator error: ${(e as Error).stack ?? e}` });
      });
    });
  }

  listen(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const addr = this.server.address() as AddressInfo;
        const h = host.includes(':') ? `[${host}]` : host;
        this.origin = `http://${h}:${addr.port}`;
        resolve(this.origin);
      });
    });
  }

  /** Closes the server, ending idle keep-alive connections and hanging requests. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const res of this.open) res.socket?.destroy();
      this.server.closeAllConnections();
    });
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const time = Date.now();
    const body = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.origin);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const token = bearer(headers.authorization);
    const user = token ? this.app.userOf(token) : undefined;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;

    const entry: LoggedRequest = {
      server: this.app.name,
      method,
      path: url.pathname,
      query,
      url: url.toString(),
      headers,
      status: 0,
      ms: 0,
      time,
    };
    if (body) entry.body = body;
    if (user) entry.user = user;
    this.shared.requests.push(entry);
    if (this.app.name === 'other') this.shared.otherRequests.push(entry);
    const finish = (status: number) => {
      entry.status = status;
      entry.ms = Date.now() - time;
      this.shared.onRequest?.(entry);
    };

    const inside = stripPrefix(url.pathname, this.app.prefix);
    const path = inside ?? url.pathname;
    const ctx: Ctx = {
      method,
      url,
      path,
      query: url.searchParams,
      headers,
      body,
      token,
      user,
      base: this.origin + this.app.prefix,
    };
    const run = (): Reply => {
      if (inside === undefined) return this.app.errorReply(404);
      let reply: Reply;
      try {
        reply = this.app.handle(ctx);
      } catch (e) {
        return { status: 500, text: `Emulator error: ${(e as Error).stack ?? e}` };
      }
      if (method === 'POST' && reply.status >= 200 && reply.status < 300 && !path.includes('/oauth/'))
        this.shared.limits.applied(this.app.name, { path, query, body: body || undefined, time: Date.now() });
      return reply;
    };

    if (this.shared.latencyMs > 0) await sleep(this.shared.latencyMs);
    // Waiting in the server's queue: the rate limit sees the request only after that.
    const queued = this.app.name === 'other' ? undefined : this.shared.faults.take(this.app.name, method, path, true);
    if (queued?.queuedMs) await sleep(queued.queuedMs);
    // Over the rate limit: refused before anything is handled (and before any other fault).
    const refused = this.shared.limits.check(this.app.name, { token, user }, path);
    if (refused) {
      if (res.destroyed) return finish(0);
      this.send(res, refused);
      return finish(refused.status);
    }
    const fault = this.app.name === 'other' ? undefined : this.shared.faults.take(this.app.name, method, path);
    if (fault?.latencyMs) await sleep(fault.latencyMs);

    let reply: Reply;
    if (!fault) {
      reply = run();
    } else {
      const failing = isFailing(fault);
      const real = !failing || fault.applyFirst || fault.malformedJson ? run() : undefined;
      if (fault.reset) {
        finish(0);
        req.socket.destroy();
        return;
      }
      if (fault.hang) {
        if (res.destroyed) finish(0);
        else res.on('close', () => finish(0));
        return; // answered never; close() ends it
      }
      reply = this.faultReply(fault, real, ctx);
    }
    if (res.destroyed) {
      finish(0);
      return;
    }
    this.send(res, reply);
    finish(reply.status);
  }

  private faultReply(fault: FaultSpec, real: Reply | undefined, ctx: Ctx): Reply {
    let reply: Reply;
    if (fault.redirectTo) {
      const location =
        fault.redirectTo === 'other-origin'
          ? `${this.shared.otherUrl}${ctx.url.pathname}${ctx.url.search}`
          : fault.redirectTo;
      reply = { status: 302, text: '', headers: { location } };
    } else if (fault.malformedJson) {
      reply = {
        status: fault.status ?? 200,
        text: truncatedJson(real ?? { status: 200 }),
        headers: { 'content-type': 'application/json' },
      };
    } else if (fault.status !== undefined || fault.body !== undefined) {
      const status = fault.status ?? 200;
      if (fault.body !== undefined) {
        let isJson = true;
        try {
          JSON.parse(fault.body);
        } catch {
          isJson = false;
        }
        reply = {
          status,
          text: fault.body,
          headers: { 'content-type': isJson ? 'application/json' : 'text/plain; charset=utf-8' },
        };
      } else {
        reply = this.app.errorReply(status);
      }
    } else {
      reply = real ?? { status: 200, json: {} };
      if (fault.crossOriginNext) crossOriginNext(reply, ctx, this.shared.otherUrl);
    }
    const headers = { ...lowerKeys(reply.headers), ...lowerKeys(fault.headers) };
    if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
    return { ...reply, headers };
  }

  /** Writes a streamed reply chunk by chunk, waiting for the socket to drain; stops when the client goes. */
  private async sendStream(res: http.ServerResponse, reply: Reply): Promise<void> {
    const { head, times, tail } = reply.stream!;
    // one Buffer written again and again: the emulator allocates nothing per chunk (it may share a process)
    const chunk = Buffer.from(reply.stream!.chunk);
    res.writeHead(reply.status, lowerKeys(reply.headers));
    const write = (text: string | Buffer) =>
      res.write(text)
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
    await write(head);
    for (let i = 0; i < times && !res.destroyed; i++) await write(chunk);
    if (!res.destroyed) res.end(tail);
  }

  private send(res: http.ServerResponse, reply: Reply): void {
    if (reply.stream) {
      void this.sendStream(res, reply);
      return;
    }
    const headers = lowerKeys(reply.headers);
    let body: string | undefined;
    if (reply.status !== 204 && reply.status !== 304) {
      if (reply.json !== undefined) {
        body = JSON.stringify(reply.json);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      } else {
        body = reply.text ?? '';
        if (body) headers['content-type'] ??= 'text/plain; charset=utf-8';
      }
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    res.writeHead(reply.status, headers);
    res.end(body);
  }
}
