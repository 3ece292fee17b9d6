/**
 * Entry point of the host tests: VS Code loads this module inside the extension host (as
 * `extensionTestsPath`) and awaits `run()`. It runs every `*.test.js` next to it (the esbuild output of
 * `test/host/**\/*.test.ts` in `out/test/host/`) with mocha, and writes the counts and failures to the
 * JSON file named by `REACTIONS_HOST_RESULTS`, because the runner outside cannot see this process's
 * console. Rejecting makes VS Code report a non-zero exit code.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export interface HostTestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface HostResults {
  passes: number;
  failures: number;
  pending: number;
  total: number;
  durationMs: number;
  tests: HostTestResult[];
  /** A failure outside any test (loading a file, a hook, mocha itself). */
  error?: string;
}

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
}

function writeResults(results: HostResults): void {
  const file = process.env.REACTIONS_HOST_RESULTS;
  if (file) fs.writeFileSync(file, JSON.stringify(results, null, 2));
}

export async function run(): Promise<void> {
  const started = Date.now();
  const results: HostResults = { passes: 0, failures: 0, pending: 0, total: 0, durationMs: 0, tests: [] };
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.REACTIONS_HOST_TEST_TIMEOUT_MS ?? 30_000),
    grep: process.env.REACTIONS_HOST_GREP || undefined,
  });
  try {
    const files = findTests(__dirname);
    if (files.length === 0) throw new Error(`no *.test.js files under ${__dirname}`);
    files.forEach((f) => mocha.addFile(f));
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (t) => results.tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t) => results.tests.push({ title: t.fullTitle(), state: 'pending' }));
      runner.on('fail', (t, err: Error) =>
        results.tests.push({
          title: t.fullTitle(),
          state: 'failed',
          durationMs: t.duration,
          error: err?.stack ?? String(err),
        }),
      );
    });
  } catch (err) {
    results.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  results.passes = results.tests.filter((t) => t.state === 'passed').length;
  results.failures = results.tests.filter((t) => t.state === 'failed').length;
  results.pending = results.tests.filter((t) => t.state === 'pending').length;
  results.total = results.tests.length;
  results.durationMs = Date.now() - started;
  writeResults(results);
  if (results.error) throw new Error(results.error);
  if (results.failures > 0) throw new Error(`${results.failures} host test(s) failed`);
}
