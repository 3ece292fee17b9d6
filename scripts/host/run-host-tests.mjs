#!/usr/bin/env node
// Runs the host tests (test/host/**/*.test.ts, mocha) inside a real VS Code extension host:
// code-server serves VS Code 1.139, headless Chromium opens the workbench with VS Code's own
// extension-test contract (the `payload` route: extensionDevelopmentPath + extensionTestsPath),
// the workbench calls window.codeAutomationExit(code) when run() settles, and test/host/index.ts
// writes the counts to the JSON file named by REACTIONS_HOST_RESULTS.
//
//   node scripts/host/run-host-tests.mjs [--no-build] [--extension <dir>] [--grep <re>] [--keep]
//   env: REACTIONS_HOST_TIMEOUT_MS (default 300000), REACTIONS_HOST_VERBOSE=1 (browser console)
// Exits 0 only when every test passed and at least one ran.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, openWorkbench } from './browser.mjs';
import { buildHostTests } from './build-tests.mjs';
import { addCleanup, isStopping, runCleanups, startWatchdog } from './cleanup.mjs';
import { startCodeServer } from './code-server.mjs';
import { emulatorAvailable, startEmulatorProcess } from './emulator.mjs';
import { ROOT } from './paths.mjs';

const { values: opts } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    extension: { type: 'string', default: ROOT },
    grep: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const TIMEOUT_MS = Number(process.env.REACTIONS_HOST_TIMEOUT_MS ?? 300_000);
const verbose = process.env.REACTIONS_HOST_VERBOSE === '1';
const t0 = Date.now();
const secs = (since = t0) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const step = (msg) => console.log(`[host] ${msg} (${secs()})`);

async function main() {
  startWatchdog(TIMEOUT_MS, 'the host test run');
  const extensionPath = resolve(opts.extension);

  if (!opts['no-build']) {
    const r = spawnSync('npm', ['run', '--silent', 'build:dev'], { cwd: ROOT, stdio: 'inherit', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`npm run build:dev failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
  const testsDir = await buildHostTests();
  step('built extension and host tests');

  // A small workspace to open, and the file index.ts reports into.
  const work = mkdtempSync(join(tmpdir(), 'reactions-host-'));
  addCleanup('host work dir', async () => {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  });
  const workspace = join(work, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'host-tests.md'), '# Reactions host tests\n');
  const resultsFile = join(work, 'results.json');

  const env = { REACTIONS_HOST_RESULTS: resultsFile };
  if (opts.grep) env.REACTIONS_HOST_GREP = opts.grep;
  if (emulatorAvailable()) {
    const emu = await startEmulatorProcess();
    env.REACTIONS_EMULATOR = emu.line;
    step(`emulator up: SelfCommunity ${emu.info.selfcommunityUrl}, Tines ${emu.info.tinesUrl}`);
  } else {
    console.warn('[host] test/emulator/cli.ts not found: running without the emulator (REACTIONS_EMULATOR unset)');
  }

  const cs = await startCodeServer({ env, smokeTestDriver: true, keepTemp: opts.keep, idleTimeoutSeconds: 300 });
  step(`code-server up at ${cs.url} (pid ${cs.pid})`);

  const { page } = await launchBrowser();
  const consoleLines = [];
  page.on('console', (m) => {
    const line = `[browser ${m.type()}] ${m.text()}`;
    consoleLines.push(line);
    if (verbose) console.log(line);
  });
  // The workbench calls window.codeAutomationExit(code) when the tests module's run() settles
  // (only with --vscode-option enable-smoke-test-driver).
  let exitCode;
  let onExit;
  const exited = new Promise((res) => (onExit = res));
  await page.exposeFunction('codeAutomationExit', (code) => {
    exitCode = Number(code);
    onExit();
  });

  const payload = [
    ['extensionDevelopmentPath', cs.remoteUri(extensionPath)],
    ['extensionTestsPath', cs.remoteUri(join(testsDir, 'index'))],
  ];
  const url = `${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await openWorkbench(page, url);
  step('workbench open, tests running in the extension host');
  await exited;
  step(`extension host finished (exit code ${exitCode})`);

  let results;
  try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    results = undefined;
  }
  return report(results, exitCode, consoleLines, cs);
}

function report(results, exitCode, consoleLines, cs) {
  console.log('');
  if (!results) {
    console.error(`✗ no results were written (exit code ${exitCode}): run() never ran or crashed early.`);
    console.error(
      '  Last browser console lines:\n' +
        consoleLines
          .slice(-25)
          .map((l) => `    ${l}`)
          .join('\n'),
    );
    console.error('  Last code-server log lines:\n' + cs.logTail(25).replace(/^/gm, '    '));
    return 1;
  }
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? '✓' : t.state === 'pending' ? '-' : '✗';
    console.log(`  ${mark} ${t.title}${t.durationMs ? ` (${t.durationMs} ms)` : ''}`);
  }
  for (const t of results.tests.filter((x) => x.state === 'failed')) {
    console.log(`\n  ✗ ${t.title}\n${String(t.error).replace(/^/gm, '      ')}`);
  }
  if (results.error) console.log(`\n  error outside tests:\n${String(results.error).replace(/^/gm, '      ')}`);
  console.log(
    `\nhost tests: ${results.passes} passing, ${results.failures} failing, ${results.pending} pending (${results.durationMs} ms in the host, ${secs()} in all)`,
  );
  const ok = exitCode === 0 && results.failures === 0 && !results.error && results.passes > 0;
  if (ok) return 0;
  if (results.passes === 0 && results.failures === 0 && !results.error) console.error('✗ no test ran');
  return 1;
}

let code;
try {
  code = await main();
} catch (err) {
  if (!isStopping()) console.error(`[host] FAILED: ${err?.stack ?? err}`);
  code = 1;
} finally {
  await runCleanups();
}
process.exit(code);
