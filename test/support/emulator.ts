/**
 * One emulator per mocha suite, for every test layer (unit in Node, host inside the extension host,
 * E2E next to code-server): started before the suite, closed after, faults cleared after each test.
 * Mocha's `before`/`after` globals only: this module also bundles into the host tests.
 */
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator';

export interface SuiteHooks {
  /** Runs before the emulator starts (host: remove every account left by another suite). */
  setUp?: () => Promise<void>;
  /** Runs before the emulator closes. */
  tearDown?: () => Promise<void>;
  /** Timeout of the before/after hooks (mocha's default when not given). */
  timeoutMs?: number;
}

/** Starts an emulator before the suite and closes it after; returns a getter. */
export function useEmulator(options: EmulatorOptions = {}, hooks: SuiteHooks = {}): () => Emulator {
  let emu: Emulator | undefined;
  before(async function () {
    if (hooks.timeoutMs) this.timeout(hooks.timeoutMs);
    await hooks.setUp?.();
    emu = await startEmulator(options);
  });
  after(async function () {
    if (hooks.timeoutMs) this.timeout(hooks.timeoutMs);
    await hooks.tearDown?.();
    await emu?.close();
  });
  afterEach(() => emu?.clearFaults());
  return () => {
    if (!emu) throw new Error('emulator not started');
    return emu;
  };
}
