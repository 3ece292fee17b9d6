#!/usr/bin/env node
// Newcomer smoke test (`npm run test:readme`, the last layer of `npm test`): the README's two commands
// are the product's first five minutes, so they are run as written. It reads the fenced bash blocks
// under "Try it" and "Test it", checks that .ci/run runs the test command verbatim, makes a fresh
// clone of HEAD, runs the demo command there with a shell (as a user types it, from a plain shell
// environment) until it prints its URL, fetches that URL (the workbench) and the emulator's who-am-I
// with a demo token it printed, then presses Ctrl-C (SIGINT to the shell's process group) and checks
// that no process the demo started is left.
//
// The clone reuses this checkout's Node 24 + code-server (REACTIONS_HOST_DIR): installing them again
// would add minutes and prove nothing new — the cold path is the outer run itself, whose
// `npm ci && npm test` installed them from an empty .host/ through the same setup.mjs.
//
//   node scripts/check-readme.mjs [--keep]   (--keep: leave the clone in place for a look)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanChildEnv } from './host/env.mjs';
import { HOST_DIR, ROOT } from './host/paths.mjs';

const URL_TIMEOUT_MS = 12 * 60_000; // npm ci (~1.5 min on a busy 2-core machine) + build + start
const t0 = Date.now();
const log = (msg) => console.log(`[readme] ${msg} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

/** The first fenced bash block under the `## <title…>` heading of README.md. */
export function commandUnder(readme, title) {
  const section = readme.split(/^## /m).find((s) => s.startsWith(title));
  if (!section) throw new Error(`README.md has no "## ${title}" section`);
  const block = /```(?:bash|sh)\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`README.md "## ${title}" has no \`\`\`bash block`);
  return block[1].trim();
}

/** Every process whose process group is one of `groups` or that descends from `pid` ({pid, pgid, cmd}). */
function processesOf(pid, groups) {
  const all = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (fields[0] === 'Z') continue; // a zombie is already gone, only not yet reaped
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      all.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]), cmd });
    } catch {
      /* exited meanwhile */
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all)
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
  }
  return all.filter((p) => tree.has(p.pid) || groups.has(p.pgid));
}

async function main() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const demoCmd = commandUnder(readme, 'Try it');
  const testCmd = commandUnder(readme, 'Test it');
  log(`README "Try it": ${demoCmd}`);
  log(`README "Test it": ${testCmd}`);
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
  if (!ci.includes(testCmd)) throw new Error(`.ci/run does not run the README's test command \`${testCmd}\``);
  log(`.ci/run runs "${testCmd}" verbatim`);

  const head = execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const clone = mkdtempSync(join(tmpdir(), 'reactions-newcomer-'));
  execFileSync('git', ['clone', '--quiet', '--no-checkout', ROOT, clone]);
  execFileSync('git', ['-C', clone, 'checkout', '--quiet', '--detach', head]);
  log(`fresh clone of ${head.slice(0, 12)} in ${clone}`);

  // A plain shell, as a user has it: none of the outer `npm test`'s npm_* variables.
  const env = cleanChildEnv({ extra: { REACTIONS_HOST_DIR: HOST_DIR } });
  const shell = spawn('bash', ['-c', demoCmd], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const groups = new Set([shell.pid]);
  let out = '';
  const exited = new Promise((r) => shell.once('exit', (code, signal) => r(signal ?? code)));
  const kill = (signal) => {
    for (const g of groups)
      try {
        process.kill(-g, signal);
      } catch {
        /* gone */
      }
  };
  process.once('SIGINT', () => (kill('SIGKILL'), process.exit(130)));
  try {
    const printed = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within ${URL_TIMEOUT_MS / 1000} s`)), URL_TIMEOUT_MS);
      const onData = (d) => {
        out += d;
        const url = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(out)?.[1];
        const scUrl = /SelfCommunity URL\s+(\S+)/.exec(out)?.[1];
        const token = /SelfCommunity token\s+(\S+)/.exec(out)?.[1];
        if (url && scUrl && token && /Ctrl-C stops/.test(out)) {
          clearTimeout(timer);
          resolve({ url, scUrl, token });
        }
      };
      shell.stdout.on('data', onData);
      shell.stderr.on('data', onData);
      exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`the demo command ended (${how}) before printing its URL`));
      });
    });
    log(`the demo printed its URL: ${printed.url.slice(0, 60)}…`);

    const res = await fetch(printed.url, { signal: AbortSignal.timeout(30_000) });
    const html = await res.text();
    const version = /codeServerVersion&quot;:&quot;([^&]+)&quot;/.exec(html)?.[1];
    if (res.status !== 200 || !html.includes('id="vscode-workbench-web-configuration"') || !version) {
      throw new Error(`the URL answered ${res.status} without a workbench page:\n${html.slice(0, 500)}`);
    }
    log(`GET the URL: ${res.status}, ${html.length} bytes of workbench HTML (code-server ${version})`);

    const me = await fetch(`${printed.scUrl}/api/v2/user/me/`, {
      headers: { Authorization: `Bearer ${printed.token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const user = await me.json();
    if (me.status !== 200 || !user.username) throw new Error(`who-am-I answered ${me.status}: ${JSON.stringify(user)}`);
    log(
      `GET ${printed.scUrl}/api/v2/user/me/ with a demo token: ${me.status}, user "${user.username}" (id ${user.id})`,
    );

    // Ctrl-C: the terminal sends SIGINT to the foreground process group (bash, npm, the demo).
    const running = processesOf(shell.pid, groups);
    for (const p of running) groups.add(p.pgid);
    log(`${running.length} processes in ${groups.size} process groups before Ctrl-C`);
    process.kill(-shell.pid, 'SIGINT');
    const how = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 30_000))]);
    await new Promise((r) => setTimeout(r, 1000)); // let the last children be reaped
    const left = processesOf(shell.pid, groups).filter((p) => running.some((q) => q.pid === p.pid));
    if (how === 'still running' || left.length) {
      throw new Error(
        `after Ctrl-C: the shell ${how === 'still running' ? 'is still running' : `ended (${how})`}, ` +
          `left: ${left.map((p) => `${p.pid} ${p.cmd.slice(0, 80)}`).join('; ') || 'nothing'}`,
      );
    }
    const after = out.slice(out.indexOf('Ctrl-C stops'));
    if (/FAILED|Error:/.test(after)) throw new Error(`Ctrl-C printed an error:\n${after.slice(-2000)}`);
    log(
      `Ctrl-C: the shell ended (${typeof how === 'number' ? `exit ${how}` : how}); none of the ${running.length} processes is left`,
    );
    console.log('newcomer smoke test: 1 passing, 0 failing');
  } catch (err) {
    console.error(`[readme] the demo printed:\n${out.slice(-4000)}`);
    throw err;
  } finally {
    kill('SIGKILL');
    if (!process.argv.includes('--keep')) rmSync(clone, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(`[readme] FAILED: ${err.message}`);
    console.log('newcomer smoke test: 0 passing, 1 failing');
    process.exit(1);
  });
}
