#!/usr/bin/env node
// The walkthrough's pictures (media/walkthrough/*.png), taken from the demo as a new user sees it:
// starts `scripts/demo.mjs` (the packaged extension in code-server, the emulator with its seeded data),
// drives it with Chromium through the steps the walkthrough describes, and saves one picture per step.
//
//   node scripts/walkthrough-pictures.mjs [--no-build] [--out media/walkthrough]
//
// The pictures are chosen assets (committed); look at them before committing.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, openWorkbench } from './host/browser.mjs';
import { ROOT } from './host/paths.mjs';

const { values: opts } = parseArgs({
  options: { 'no-build': { type: 'boolean', default: false }, out: { type: 'string' } },
});
const OUT = opts.out ?? join(ROOT, 'media', 'walkthrough');
const CLIP = { x: 0, y: 0, width: 1040, height: 600 };
const TIMEOUT = 60_000;

/** Starts the demo in its own process group; resolves with what it printed (URL, accounts). */
function startDemo() {
  const args = [join(ROOT, 'scripts', 'demo.mjs'), ...(opts['no-build'] ? ['--no-build'] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const info = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start in time:\n${out}`)), 10 * 60_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const url = /^\s+(http:\/\/\S+\/\?folder=\S+)$/m.exec(out)?.[1];
      if (!url || !/Ctrl-C stops/.test(out)) return;
      clearTimeout(timer);
      const field = (re) => re.exec(out)?.[1];
      resolve({
        url,
        scUrl: field(/SelfCommunity URL\s+(\S+)/),
        tinesUrl: field(/Tines URL\s+(\S+)/),
        scToken: field(/SelfCommunity token\s+(\S+)/),
        tinesToken: field(/Tines token\s+(\S+)/),
        email: field(/\(email (\S+)\)/),
      });
    });
    child.on('exit', (code) => reject(new Error(`the demo exited (${code}):\n${out}`)));
  });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  return { info, stop };
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const demo = startDemo();
  process.on('SIGINT', () => {
    demo.stop();
    process.exit(130);
  });
  let browser;
  try {
    const d = await demo.info;
    console.log(`[pictures] demo at ${d.url}`);
    browser = await launchBrowser({ viewport: { width: 1280, height: 720 } });
    const page = browser.page;
    await openWorkbench(page, d.url, { readyFile: 'README.md' });
    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input').first();
    const shot = async (name) => {
      await page.mouse.move(1260, 700);
      await page.waitForTimeout(600);
      await page.screenshot({ path: join(OUT, `${name}.png`), clip: CLIP });
      console.log(`[pictures] ${name}.png`);
    };
    const command = async (title) => {
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('F1');
        await input.fill(`>${title}`);
        if (
          await row.waitFor({ state: 'visible', timeout: 3000 }).then(
            () => true,
            () => false,
          )
        )
          break;
      }
      await input.press('Enter');
    };
    const answer = async (prompt, text, selector = '.quick-input-box input') => {
      await widget.filter({ hasText: prompt }).waitFor({ state: 'visible', timeout: TIMEOUT });
      await widget.locator(selector).first().fill(text);
      await widget.locator(selector).first().press('Enter');
      await page.waitForTimeout(300);
    };
    const added = (text) =>
      page.locator('.notification-toast', { hasText: text }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
    const pick = async (label) => {
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
      await row.waitFor({ state: 'visible', timeout: TIMEOUT });
      await row.click();
      await page.waitForTimeout(300);
    };

    // 1. The view, before any account: Add Account and Sign in to SelfCommunity.
    const tab = page.locator('.part.activitybar').getByRole('tab', { name: 'My Reactions' });
    await tab.click();
    await page.locator('.part.sidebar').getByText('Add Account').first().waitFor({ timeout: TIMEOUT });
    await shot('add-account');

    // 2. Both demo accounts, then the tree grouped by date.
    await command('Reactions: Add Account');
    await pick(/SelfCommunity.*paste an access token/);
    await answer(/address of the SelfCommunity site/, d.scUrl);
    await answer(/token/i, d.scToken, 'input[type=password]');
    await added(/Added alice @/);
    await command('Reactions: Add Account');
    await pick(/Tines.*paste an API key/);
    await answer(/address of the Tines site/, d.tinesUrl);
    await answer(/key|token/i, d.tinesToken, 'input[type=password]');
    await answer(/email address/, d.email);
    await added(/Added Alice Martin @/);
    await page
      .locator('.part.sidebar .title-actions')
      .getByRole('button', { name: /Group and Sort/ })
      .click();
    await pick(/By date/);
    // back to the top of the tree (the account row), which the listing scrolled out of view
    await page.locator('.part.sidebar .monaco-list').first().focus();
    await page.keyboard.press('Home');
    await page
      .getByRole('treeitem', { name: /^20\d\d: \d+ reactions$/ })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await shot('find');

    // 3. Clean Up: older than a year, every reaction, any text → the preview.
    await command('Reactions: Clean Up…');
    await answer(/older than how many days/, '365');
    for (let i = 0; i < 3; i++) {
      // the accounts and reactions steps: keep what is checked (OK)
      if (await widget.filter({ hasText: /containing these words/ }).isVisible()) break;
      const ok = widget.getByRole('button', { name: 'OK' });
      if (await ok.isVisible()) await ok.click();
      await page.waitForTimeout(500);
    }
    await answer(/containing these words/, '');
    const preview = widget.filter({ hasText: /Clean Up: \d+ reactions? match/ });
    await preview.waitFor({ state: 'visible', timeout: TIMEOUT });
    await shot('clean-up');
    const n = Number(/Clean Up: (\d+)/.exec(await preview.innerText())[1]);
    await pick(new RegExp(`Remove ${n} Reactions?…`));
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: TIMEOUT });
    await dialog.getByRole('button', { name: new RegExp(`^Remove ${n} Reactions?$`) }).click();
    await page
      .locator('.notification-toast', { hasText: /Removed \d+ of \d+ reactions?/ })
      .first()
      .waitFor({ state: 'visible', timeout: 5 * TIMEOUT });

    // 4. Show Removed: the clean-up, ready to be put back.
    await command('Reactions: Show Removed…');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: /Clean Up/ })
      .first()
      .waitFor({ state: 'visible', timeout: TIMEOUT });
    await shot('restore');
    await page.keyboard.press('Escape');
  } finally {
    await browser?.close().catch(() => {});
    demo.stop();
  }
}

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(`[pictures] FAILED: ${err?.stack ?? err}`);
  process.exit(1);
}
