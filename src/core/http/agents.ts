/**
 * Connections of one HTTP client. Reads share a keep-alive pool (at most `maxSockets` connections,
 * the client's concurrency), so a listing of thousands of pages does not open a TCP (and TLS)
 * connection per request. Writes never ride a pooled connection: each goes on a fresh one that is
 * closed after its answer. A pooled connection may have been closed by the server while idle; a read
 * sent on it fails as a reset and is retried like any network failure, but a write (a vote POST
 * TOGGLES) must never be sent twice, so it must not meet a stale connection in the first place.
 *
 * Idle pooled connections are unref'd by Node's agent (they never keep a process alive) and closed
 * after IDLE_MS, below the 5 s idle timeout of Node servers and most proxies; `destroy()` closes all.
 */
import * as http from 'http';
import * as https from 'https';

/** How long an idle pooled connection is kept open. */
export const IDLE_MS = 4_000;

/** Whether a request rides a pooled connection (reads only). */
export function keepsAlive(method: string): boolean {
  return method === 'GET';
}

export class Agents {
  private readonly pooled: { http: http.Agent; https: https.Agent };
  private readonly fresh: { http: http.Agent; https: https.Agent };

  constructor(maxSockets: number) {
    const pool = {
      keepAlive: true,
      maxSockets,
      maxFreeSockets: maxSockets,
      timeout: IDLE_MS,
      scheduling: 'lifo' as const,
    };
    this.pooled = { http: new http.Agent(pool), https: new https.Agent(pool) };
    this.fresh = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };
  }

  /** The agent for one request: pooled for GET, a fresh connection for anything else. */
  for(method: string, url: URL): http.Agent {
    const set = keepsAlive(method) ? this.pooled : this.fresh;
    return url.protocol === 'https:' ? set.https : set.http;
  }

  /** Closes every connection, idle or not (requests still in flight fail as a reset). */
  destroy(): void {
    for (const a of [this.pooled.http, this.pooled.https, this.fresh.http, this.fresh.https]) a.destroy();
  }
}
