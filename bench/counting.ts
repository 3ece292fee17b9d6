import type { Logger } from '../src/core/log';

/**
 * Counts requests (every answered request is one log line "→ status (N ms)") and the answers 429 among
 * them; `starts` keeps when each request the server accepted started (its answer's time less N ms).
 */
export class CountingLogger implements Logger {
  requests = 0;
  refused = 0;
  readonly starts: number[] = [];
  trace() {}
  debug() {}
  info(m: string) {
    if (m.includes(' → ')) this.count(m, false);
  }
  warn(m: string) {
    if (m.includes(' → ')) this.count(m, m.includes(' → 429'));
  }
  error() {}
  reset() {
    this.requests = this.refused = 0;
    this.starts.length = 0;
  }
  private count(m: string, refused: boolean) {
    this.requests++;
    if (refused) return void this.refused++;
    const ms = / \((\d+) ms\)/.exec(m);
    this.starts.push(Date.now() - Number(ms?.[1] ?? 0));
  }
}

/** One answered request: when it started and ended (performance.now()), its path and query. */
export interface Answered {
  start: number;
  end: number;
  path: string;
}

/**
 * Counts requests and keeps when each was answered: the log line "GET /path?query → 200 (N ms)" is
 * written when the body has arrived (before it is parsed), N ms after the request was sent.
 */
export class TimingLogger extends CountingLogger {
  readonly answered: Answered[] = [];
  override info(m: string) {
    super.info(m);
    const x = / (\/\S*) → \d+ \((\d+) ms\)/.exec(m);
    if (!x) return;
    const end = performance.now();
    this.answered.push({ start: end - Number(x[2]), end, path: x[1] });
  }
}

/**
 * Where the time to a first batch went: the chain of dependent requests that led to it, found backwards
 * from the batch — the request answered last before it, then the one answered last before that one
 * was sent, and so on — with the time spent inside those requests (of which `latency` each is the
 * emulator's injected round trip: the rest is the server's own work and the transfer) and outside
 * them (the client: parsing, handing on, queueing; ms resolution of the log's durations).
 */
export function firstBatchChain(answered: readonly Answered[], t0: number, firstAt: number, latency: number) {
  const chain: Answered[] = [];
  let before = firstAt;
  for (;;) {
    const last = answered.filter((a) => a.end <= before + 0.5 && a.end >= t0).sort((a, b) => b.end - a.end)[0];
    if (!last) break;
    chain.unshift(last);
    before = last.start;
  }
  const inRequests = chain.reduce((s, a) => s + (a.end - a.start), 0);
  return {
    requests: chain.length,
    paths: chain.map((a) => a.path),
    beyondLatencyMs: inRequests - chain.length * latency,
    clientMs: firstAt - t0 - inRequests,
  };
}
