/** Driving the core's clients against the emulator: fast options, expected errors, streamed lists, the request log. */
import * as assert from 'assert';
import { ReactionsError } from '../../src/core/errors';
import { MemoryLogger } from '../../src/core/log';
import type { ClientOptions } from '../../src/core/services/service';
import type { Emulator } from '../emulator';

/** Fast client options for tests: short backoff, a log we can scan. */
export function fastOptions(
  logger = new MemoryLogger(),
  extra: ClientOptions = {},
): ClientOptions & { logger: MemoryLogger } {
  return { retryBaseMs: 10, timeoutMs: 2000, retries: 2, maxConcurrency: 8, logger, ...extra } as ClientOptions & {
    logger: MemoryLogger;
  };
}

/** Runs fn, expects a ReactionsError of that kind, returns it. */
export async function rejectsKind(fn: () => Promise<unknown>, kind: string): Promise<ReactionsError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof ReactionsError, `expected ReactionsError, got ${e}`);
    assert.strictEqual(e.kind, kind, `expected kind ${kind}, got ${e.kind}: ${e.message}`);
    return e;
  }
  assert.fail(`expected a ${kind} error, but it succeeded`);
}

export async function collect<T>(it: AsyncIterable<T[]>): Promise<{ items: T[]; batches: number }> {
  const items: T[] = [];
  let batches = 0;
  for await (const batch of it) {
    batches++;
    items.push(...batch);
  }
  return { items, batches };
}

/** Requests in the emulator's log matching method and a path regex. */
export function requestsTo(emu: Emulator, method: string, path: RegExp) {
  return emu.requests.filter((r) => r.method === method && path.test(r.path));
}
