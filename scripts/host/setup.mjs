#!/usr/bin/env node
// Installs what the demo and the host/E2E tests need but `npm ci` cannot:
// 1. the Debian packages of system-packages.mjs (apt-get as root; otherwise it names the command);
// 2. Node 24 and code-server (VS Code's workbench served to a browser, with a real Node extension
//    host). code-server needs Node 22+ and its postinstall checks the Node version npm runs under, so
//    it cannot be a devDependency of this Node 20 project. Both go into the git-ignored cache folder
//    `.host/`, the way @vscode/test-electron caches VS Code in `.vscode-test/`. The npm that installs
//    them gets a clean environment (env.mjs): setup behaves the same under `npm run`, `npx` or `node`.
//
// Idempotent: a marker file records what was installed; a second run only checks it.
//   node scripts/host/setup.mjs [--for demo|test]   install when missing (default: everything)
//   node scripts/host/setup.mjs --force             reinstall Node 24 and code-server
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanChildEnv } from './env.mjs';
import { HOST_DIR, NODE_VERSION, CODE_SERVER_VERSION, paths } from './paths.mjs';
import { ensureSystemPackages, PURPOSES } from './system-packages.mjs';

const INSTALL_TIMEOUT_MS = 15 * 60_000;
const MARKER = join(HOST_DIR, 'installed.json');
const wanted = { node: NODE_VERSION, codeServer: CODE_SERVER_VERSION };

function log(msg) {
  console.log(`[host setup] ${msg}`);
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(MARKER, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Runs a command with inherited output; rejects on failure or after the timeout. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    log(`$ ${cmd} ${args.join(' ')}`);
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true, ...opts });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      reject(new Error(`${cmd} timed out after ${INSTALL_TIMEOUT_MS / 1000}s`));
    }, INSTALL_TIMEOUT_MS);
    const onSignal = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      process.exit(130);
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** `npm install <spec>` into its own folder with its own package.json (never touches the project). */
// npm 11 asks projects to list the dependencies whose install scripts may run (`allowScripts`); both
// tools need theirs (node: fetch the platform binary; code-server: install VS Code's own modules).
async function npmInstall(dir, spec, { nodeBinDir, extra } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const name = spec.slice(0, spec.lastIndexOf('@'));
  const pkg = { name: 'host-tool', private: true, allowScripts: { [name]: true } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', spec], {
    cwd: dir,
    env: cleanChildEnv({ nodeBinDir, extra: { CI: 'true', npm_config_yes: 'true', ...extra } }),
  });
}

function checkVersion(bin, args, expect) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', () => resolve(false));
    child.on('exit', () => resolve(out.includes(expect)));
  });
}

async function main() {
  const started = Date.now();
  const { values: opts } = parseArgs({
    options: { for: { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  if (opts.for && !PURPOSES.includes(opts.for)) throw new Error(`--for ${opts.for}: expected one of ${PURPOSES}`);
  const force = opts.force;
  const apt = Date.now();
  const sys = ensureSystemPackages({ purpose: opts.for, log });
  if (sys.installed.length) log(`installed ${sys.installed.join(' ')} in ${((Date.now() - apt) / 1000).toFixed(1)} s`);

  const checked = Date.now();
  const marker = readMarker();
  if (
    !force &&
    marker?.node === wanted.node &&
    marker?.codeServer === wanted.codeServer &&
    existsSync(paths.node) &&
    existsSync(paths.codeServerEntry)
  ) {
    log(
      `up to date: Node ${marker.node}, code-server ${marker.codeServer} in ${HOST_DIR} (checked in ${Date.now() - checked} ms)`,
    );
    return;
  }
  rmSync(MARKER, { force: true });

  // 1. Node 24, from the npm package `node` (a platform binary package underneath).
  let t = Date.now();
  if (!force && (await checkVersion(paths.node, ['--version'], `v${NODE_VERSION}`))) {
    log(`Node ${NODE_VERSION} already present`);
  } else {
    await npmInstall(paths.nodeDir, `node@${NODE_VERSION}`);
    if (!(await checkVersion(paths.node, ['--version'], `v${NODE_VERSION}`))) {
      throw new Error(`Node ${NODE_VERSION} was installed but ${paths.node} does not report it`);
    }
    log(`installed Node ${NODE_VERSION} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }

  // 2. code-server, with Node 24 first on PATH so npm and the postinstall run under it. Its native
  // modules (N-API) are built with node-gyp: point it at Node 24's own headers, shipped inside the
  // node package, so no header download is needed (this machine reaches only the npm registry).
  t = Date.now();
  const extra = paths.nodeHeadersDir ? { npm_config_nodedir: paths.nodeHeadersDir } : {};
  await npmInstall(paths.codeServerDir, `code-server@${CODE_SERVER_VERSION}`, { nodeBinDir: paths.nodeBinDir, extra });
  if (!(await checkVersion(paths.node, [paths.codeServerEntry, '--version'], CODE_SERVER_VERSION))) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} was installed but does not start under ${paths.node}`);
  }
  log(`installed code-server ${CODE_SERVER_VERSION} in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  writeFileSync(MARKER, JSON.stringify({ ...wanted, at: new Date().toISOString() }, null, 2) + '\n');
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(`[host setup] FAILED: ${err.message}`);
  process.exit(1);
});
