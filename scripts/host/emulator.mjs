// Runs the API emulator (test/emulator/cli.ts) as a child process for the host-test runner and the
// demo, and returns the JSON line it prints with `--json`:
//   { selfcommunityUrl, tinesUrl, users: [{ name, scToken, tinesToken, email, ... }], ... }
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { addCleanup } from './cleanup.mjs';
import { ROOT } from './paths.mjs';

export const EMULATOR_CLI = join(ROOT, 'test', 'emulator', 'cli.ts');

export function emulatorAvailable() {
  return existsSync(EMULATOR_CLI);
}

/**
 * @param {{ args?: string[], timeoutMs?: number, echo?: boolean }} [o]
 *   args: extra CLI arguments; echo: pass the emulator's later output (request log) through.
 * @returns {Promise<{ info: any, line: string, stop: () => Promise<void> }>}
 */
export async function startEmulatorProcess(o = {}) {
  if (!emulatorAvailable()) throw new Error(`${EMULATOR_CLI} not found`);
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [EMULATOR_CLI, '--json', ...(o.args ?? [])], {
    cwd: ROOT,
    detached: true, // own process group: tsx runs node underneath
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* gone */
    }
  };
  const stop = addCleanup(
    'emulator',
    async () => {
      kill('SIGTERM');
      const gone = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
      if (!gone) kill('SIGKILL');
    },
    () => kill('SIGKILL'),
  );

  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-8192); // its request log goes here: keep only the tail for errors
    if (o.echo) process.stderr.write(d);
  });
  const lines = createInterface({ input: child.stdout });
  try {
    const line = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`emulator printed no JSON within ${(o.timeoutMs ?? 30_000) / 1000} s`)),
        o.timeoutMs ?? 30_000,
      );
      lines.on('line', (l) => {
        if (l.trim().startsWith('{')) {
          clearTimeout(timer);
          resolve(l.trim());
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`emulator exited (${signal ?? `exit ${code}`}) before printing its JSON line\n${stderr.trim()}`),
        );
      });
    });
    const info = JSON.parse(line);
    // Keep draining its output so the pipe never fills up and blocks it.
    lines.on('line', (l) => {
      if (o.echo) console.log(`[emulator] ${l}`);
    });
    return { info, line, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
