// Starts and stops code-server (VS Code 1.139 served to a browser, with a real Node extension host)
// for tests and the demo. Each start gets fresh user-data and extensions folders under a temp folder,
// a clean settings.json, a free 127.0.0.1 port, and its own process group so that stopping it also
// stops the extension host and every other process it spawned.
//
//   const cs = await startCodeServer({ folder, vsix, env, smokeTestDriver: true });
//   cs.url, cs.port, cs.authority ('127.0.0.1:<port>'), cs.remoteUri('/abs/path'), cs.logFile
//   await cs.stop();
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addCleanup } from './cleanup.mjs';
import { assertInstalled, paths } from './paths.mjs';

/** Settings that keep the workbench quiet and screenshots clean. */
export const CLEAN_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.layoutControl.enabled': false,
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
};

/** A port the OS says is free right now (a start retries if someone takes it meanwhile). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** Environment for code-server: ours, minus what would confuse a Node 24 VS Code server. */
function serverEnv(extra, dirs) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // e.g. a tsx loader meant for the Node 20 test runner
  for (const key of Object.keys(env)) {
    // Variables set by a VS Code/code-server terminal we may be running in would point the new
    // server at the outer one (IPC hooks, git askpass, ...).
    if (key.startsWith('VSCODE_') || key.startsWith('CODE_SERVER_')) delete env[key];
  }
  return {
    ...env,
    PATH: `${paths.nodeBinDir}:${env.PATH ?? ''}`,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    ...extra,
  };
}

function runOnce(args, env, timeoutMs, what) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(paths.node, [paths.codeServerEntry, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const kill = () => killGroup(child.pid, 'SIGKILL');
    const unregister = addCleanup(what, async () => kill(), kill);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      void unregister();
      if (code === 0) resolveRun(out);
      else reject(new Error(`${what} failed (${signal ?? `exit ${code}`}):\n${out.trim()}`));
    });
  });
}

async function waitHealthy(url, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.signalCode ?? `exit ${child.exitCode}`}):\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s:\n${tail(logFile)}`);
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Sends `signal` to the whole process group; false when it is already gone. */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {object} [o]
 * @param {string} [o.folder]        folder to open (default: none, an empty window)
 * @param {string|string[]} [o.vsix] .vsix file(s) to install before starting
 * @param {Record<string,string>} [o.env]  extra environment for the server and the extension host
 * @param {object} [o.settings]      settings merged over CLEAN_SETTINGS
 * @param {boolean} [o.smokeTestDriver] start with `--vscode-option enable-smoke-test-driver`
 *                                   (needed for the `payload` route that runs extension tests)
 * @param {string[]} [o.args]        extra code-server arguments
 * @param {number} [o.port]          fixed port (default: a free one)
 * @param {number} [o.idleTimeoutSeconds] shut down by itself this long after the last browser
 *                                   disconnects (> 60): a safety net for test runs whose runner is
 *                                   killed with SIGKILL and so cannot stop it
 * @param {boolean} [o.keepTemp]     keep the temp folder after stop (for debugging)
 * @param {number} [o.startTimeoutMs]
 */
export async function startCodeServer(o = {}) {
  assertInstalled();
  const root = mkdtempSync(join(tmpdir(), 'reactions-cs-'));
  const dirs = {
    root,
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    xdgConfig: join(root, 'xdg-config'),
    xdgData: join(root, 'xdg-data'),
  };
  for (const d of [dirs.userData, dirs.extensions, dirs.xdgConfig, dirs.xdgData]) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({ ...CLEAN_SETTINGS, ...o.settings }, null, 2),
  );
  const env = serverEnv(o.env ?? {}, dirs);
  const removeTempSync = () => {
    if (!o.keepTemp) rmSync(root, { recursive: true, force: true });
  };
  // Registered first, so it runs after the server is stopped (cleanups run newest first).
  const removeTemp = addCleanup(`temp ${root}`, async () => removeTempSync(), removeTempSync);

  try {
    for (const vsix of [o.vsix ?? []].flat()) {
      await runOnce(
        [
          '--user-data-dir',
          dirs.userData,
          '--extensions-dir',
          dirs.extensions,
          '--install-extension',
          resolve(vsix),
          '--force',
        ],
        env,
        120_000,
        `installing ${vsix}`,
      );
    }
  } catch (err) {
    await removeTemp();
    throw err;
  }

  // The port is picked before code-server binds it; on the rare clash, try another.
  for (let attempt = 1; ; attempt++) {
    const port = o.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const configFile = join(root, 'config.yaml');
    writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const args = [
      paths.codeServerEntry,
      '--config',
      configFile,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(o.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      ...(o.idleTimeoutSeconds ? ['--idle-timeout-seconds', String(o.idleTimeoutSeconds)] : []),
      ...(o.args ?? []),
      ...(o.folder ? [resolve(o.folder)] : []),
    ];
    const logFile = join(root, 'code-server.log');
    const log = createWriteStream(logFile, { flags: 'a' });
    // detached: its own process group, so one kill reaches the server, the extension host and
    // anything they spawned (terminals, watchers, language servers).
    const child = spawn(paths.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const exited = new Promise((r) => child.once('exit', r));
    const pid = child.pid;

    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null && killGroup(pid, 'SIGTERM')) {
        const gone = await Promise.race([
          exited.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 5000)),
        ]);
        if (!gone) killGroup(pid, 'SIGKILL');
      }
      // Children that outlived the server (same group) get the same treatment.
      if (killGroup(pid, 0)) {
        await new Promise((r) => setTimeout(r, 1000));
        killGroup(pid, 'SIGKILL');
      }
      log.end();
    };
    const unregister = addCleanup(`code-server :${port}`, stop, () => killGroup(pid, 'SIGKILL'));

    try {
      await waitHealthy(url, child, logFile, o.startTimeoutMs ?? 60_000);
    } catch (err) {
      await unregister();
      const clash = /EADDRINUSE/.test(String(err.message));
      if (clash && !o.port && attempt < 3) continue;
      await removeTemp();
      throw err;
    }
    return {
      url,
      port,
      pid,
      authority: `127.0.0.1:${port}`,
      dirs,
      logFile,
      /** `vscode-remote://` URI of a path on this machine, as the workbench addresses server files. */
      remoteUri: (absPath) => `vscode-remote://127.0.0.1:${port}${resolve(absPath)}`,
      /** The last lines of the server's log (for error messages). */
      logTail: (lines) => tail(logFile, lines),
      stop: async () => {
        await unregister();
        await removeTemp();
      },
    };
  }
}
