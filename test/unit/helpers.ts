/** Shared test helpers: an emulator per suite, quick clients, and leak checks. */
import * as assert from 'assert';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator';
import { MemoryLogger } from '../../src/core/log';
import type { ClientOptions } from '../../src/core/services/service';
import { ReactionsError } from '../../src/core/errors';

/** Starts an emulator before the suite and closes it after; returns a getter. */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
  let emu: Emulator | undefined;
  before(async () => {
    emu = await startEmulator(options);
  });
  after(async () => {
    await emu?.close();
  });
  afterEach(() => {
    emu?.clearFaults();
  });
  return () => {
    if (!emu) throw new Error('emulator not started');
    return emu;
  };
}

/** Fast client options for tests: short backoff, a log we can scan. */
export function fastOptions(
  logger = new MemoryLogger(),
  extra: ClientOptions = {},
): ClientOptions & { logger: MemoryLogger } {
  return { retryBaseMs: 10, timeoutMs: 2000, retries: 2, maxConcurrency: 8, logger, ...extra } as ClientOptions & {
    logger: MemoryLogger;
  };
}

export function allTokens(emu: Emulator): string[] {
  return [...emu.users.flatMap((u) => [u.scToken, u.tinesToken]), emu.tinesServiceKey];
}

/** Asserts that no token of the emulator appears anywhere in the given texts or objects. */
export function assertNoToken(emu: Emulator, ...things: unknown[]): void {
  for (const thing of things) {
    const text =
      typeof thing === 'string'
        ? thing
        : thing instanceof Error
          ? `${thing.message}\n${thing.stack}\n${JSON.stringify({ ...thing })}`
          : JSON.stringify(thing);
    for (const token of allTokens(emu)) {
      assert.ok(!text.includes(token), `token leaked into: ${text.slice(0, 300)}`);
    }
  }
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

/** Requests in the log matching method and a path regex. */
export function requestsTo(emu: Emulator, method: string, path: RegExp) {
  return emu.requests.filter((r) => r.method === method && path.test(r.path));
}

/** A response read whole: status, headers, text, and the JSON when the text parses. */
export async function readReply(
  res: Response,
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
