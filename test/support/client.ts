/** Driving the core's clients against the emulator: fast options, expected errors, streamed lists, the request log. */
import * as assert from 'assert';
import { ReactionsError } from '../../src/core/errors';
import { MemoryLogger } from '../../src/core/log';
import type { ClientOptions, KeyProofStore } from '../../src/core/services/service';
import type { Emulator } from '../emulator';

/** Every key counts as proven to be its account user's (tests of anything but the Tines key proof). */
export const everyKeyProven: KeyProofStore = { isProven: () => true, remember: () => undefined };

/** Remembers proven keys in memory (tests of the Tines key proof). */
export function memoryKeyProofs(): KeyProofStore & { readonly proven: Map<string, string> } {
  const proven = new Map<string, string>();
  return {
    proven,
    isProven: (id, print) => proven.get(id) === print,
    remember: (id, print) => void proven.set(id, print),
  };
}

/** Fast client options for tests: short backoff, a log we can scan; Tines keys count as proven. */
export function fastOptions(
  logger = new MemoryLogger(),
  extra: ClientOptions = {},
): ClientOptions & { logger: MemoryLogger } {
  return {
    retryBaseMs: 10,
    timeoutMs: 2000,
    retries: 2,
    maxConcurrency: 8,
    logger,
    keyProofs: everyKeyProven,
    ...extra,
  } as ClientOptions & {
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
