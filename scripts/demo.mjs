#!/usr/bin/env node
// `npm run demo`: the extension, packaged as a user installs it, in VS Code (code-server) in your
// browser, against a local emulator of both APIs with seeded data. Prints the URL to open and the
// demo accounts to paste into "Reactions: Add Account". Ctrl-C stops everything.
//
//   npm run demo [-- --port 8080] [-- --no-build]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addCleanup, isStopping, runCleanups } from './host/cleanup.mjs';
import { startCodeServer } from './host/code-server.mjs';
import { startEmulatorProcess } from './host/emulator.mjs';
import { packageVsix } from './host/package-vsix.mjs';
import { ROOT } from './host/paths.mjs';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const t0 = Date.now();
const step = (msg) => console.log(`[demo] ${msg} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

async function main() {
  // 1. The Debian packages it needs, Node 24 + code-server in .host/ (a no-op when already there).
  const setup = spawnSync(process.execPath, [join(ROOT, 'scripts', 'host', 'setup.mjs'), '--for', 'demo'], {
    stdio: 'inherit',
    timeout: 20 * 60_000,
  });
  // Its own FAILED line says what to do (e.g. the exact apt-get command): nothing to add to it.
  if (setup.status !== 0) process.exit(setup.status ?? 1);

  // 2. The .vsix, as a user gets it.
  const work = mkdtempSync(join(tmpdir(), 'reactions-demo-'));
  addCleanup('demo folder', () => rmSync(work, { recursive: true, force: true }));
  const vsix = await packageVsix({ out: join(work, 'reactions.vsix'), build: !opts['no-build'] });
  step('extension packaged');

  // 3. The emulator with its seeded data (its request log is echoed here).
  // On 127.0.0.2 when the system has it (Linux does): code-server sends the browser to localhost /
  // 127.0.0.1 sites through its /proxy/<port>/ route, which re-encodes the OAuth redirect_uri; a
  // real community is never on loopback, and 127.0.0.2 is not rewritten.
  let emu;
  try {
    emu = await startEmulatorProcess({ echo: true, args: ['--host', '127.0.0.2'] });
  } catch {
    emu = await startEmulatorProcess({ echo: true });
  }
  const { selfcommunityUrl, tinesUrl, users = [], oauth } = emu.info;
  step('emulator up');

  // 4. A welcome folder that repeats what to paste, and code-server with the extension installed.
  const folder = join(work, 'welcome');
  const accounts = users
    .map((u) =>
      [
        `## ${u.name ?? 'user'}${u.email ? ` <${u.email}>` : ''}`,
        `- SelfCommunity: URL \`${selfcommunityUrl}\`, token \`${u.scToken}\``,
        `- Tines: URL \`${tinesUrl}\`, token \`${u.tinesToken}\`${u.email ? `, email \`${u.email}\`` : ''}`,
      ].join('\n'),
    )
    .join('\n\n');
  mkdirSync(folder);
  writeFileSync(
    join(folder, 'README.md'),
    `# Reactions demo\n\nOpen the **Reactions** view in the activity bar.\n\n` +
      `**Sign in to SelfCommunity** (the browser way): community URL \`${selfcommunityUrl}\`, client id ` +
      `\`${oauth?.clientId ?? 'reactions-demo'}\`; a consent page opens in a new tab — pick who you are and press Authorize.\n\n` +
      `**Add Account** (paste a token) with one of these local demo accounts (emulator data, not real tokens):\n\n${accounts}\n`,
  );
  const cs = await startCodeServer({
    folder,
    vsix,
    port: opts.port ? Number(opts.port) : undefined,
  });
  step('code-server up');
  // The workbench's `payload` parameter opens the README with the accounts next to the view.
  const payload = JSON.stringify([['openFile', cs.remoteUri(join(folder, 'README.md'))]]);
  const url = `${cs.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`;

  console.log(`
──────────────────────────────────────────────────────────────────────────────
  Reactions demo is running. Open in your browser:

      ${url}

  Then: activity bar → Reactions → "Sign in to SelfCommunity" with

      community URL      ${selfcommunityUrl}
      OAuth client id    ${oauth?.clientId ?? 'reactions-demo'}   (approve in the tab that opens)

  or "Reactions: Add Account" (F1) to paste a token:

      SelfCommunity URL  ${selfcommunityUrl}
      Tines URL          ${tinesUrl}
${users
  .map(
    (u) => `
      ${u.name ?? 'user'}${u.email ? `  (email ${u.email})` : ''}
        SelfCommunity token  ${u.scToken}
        Tines token          ${u.tinesToken}`,
  )
  .join('\n')}

  (Remote machine? forward the port: ssh -L ${cs.port}:127.0.0.1:${cs.port} <host>)
  Ctrl-C stops code-server and the emulator.
──────────────────────────────────────────────────────────────────────────────
`);
  // Stay up until Ctrl-C (cleanup.mjs stops everything on SIGINT/SIGTERM) or until a piece dies.
  await new Promise((_, reject) => {
    const timer = setInterval(async () => {
      try {
        await fetch(`${cs.url}/healthz`, { signal: AbortSignal.timeout(5000) });
      } catch {
        clearInterval(timer);
        if (isStopping()) return; // Ctrl-C is stopping it: cleanup.mjs exits once everything is down
        reject(new Error(`code-server stopped answering:\n${cs.logTail(20)}`));
      }
    }, 10_000);
  });
}

try {
  await main();
} catch (err) {
  console.error(`[demo] FAILED: ${err?.stack ?? err}`);
  await runCleanups();
  process.exit(1);
}
