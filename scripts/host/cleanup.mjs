// One place that knows everything a run started (code-server, emulator, browser, temp folders) and
// tears it all down exactly once: on normal completion, on SIGINT/SIGTERM/SIGHUP, on a watchdog
// timeout, and — as a last resort, synchronously — when the process exits.
const cleanups = []; // { name, fn: async () => void, syncFn?: () => void }, run newest first
let installed = false;
let running;
let stopping = false;

/** True once a signal or the watchdog started tearing everything down (errors after that are noise). */
export function isStopping() {
  return stopping;
}

/** Registers a teardown step; returns a function that runs it early (and unregisters it). */
export function addCleanup(name, fn, syncFn) {
  installSignalHandlers();
  const entry = { name, fn, syncFn, done: false };
  cleanups.push(entry);
  return async () => {
    if (entry.done) return;
    entry.done = true;
    cleanups.splice(cleanups.indexOf(entry), 1);
    await fn();
  };
}

/** Runs every registered teardown (newest first), each bounded to `perStepMs`; never throws. */
export function runCleanups(perStepMs = 15_000) {
  running ??= (async () => {
    while (cleanups.length) {
      const entry = cleanups.pop();
      if (entry.done) continue;
      entry.done = true;
      let timer;
      try {
        await Promise.race([
          entry.fn(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), perStepMs);
          }),
        ]);
      } catch (err) {
        console.error(`[cleanup] ${entry.name}: ${err?.message ?? err}`);
        try {
          entry.syncFn?.();
        } catch {
          /* best effort */
        }
      } finally {
        clearTimeout(timer);
      }
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}

/** Fails the whole run after `ms`: prints why, cleans up, exits 1. Returns a cancel function. */
export function startWatchdog(ms, what) {
  const timer = setTimeout(async () => {
    stopping = true;
    console.error(`\n[timeout] ${what} did not finish within ${Math.round(ms / 1000)} s — stopping everything`);
    await runCleanups();
    process.exit(1);
  }, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

export function installSignalHandlers() {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.on(signal, async () => {
      if (stopping) return; // a second Ctrl-C while stopping: let the first one finish
      stopping = true;
      console.error(`\n[${signal}] stopping everything…`);
      await runCleanups();
      process.exit(code);
    });
  }
  // Last resort when someone calls process.exit() with work still registered: only synchronous
  // steps can run here (e.g. SIGKILL to a process group).
  process.on('exit', () => {
    for (const entry of cleanups.reverse()) {
      if (!entry.done)
        try {
          entry.syncFn?.();
        } catch {
          /* best effort */
        }
    }
  });
}
