// Headless Debian Chromium driven by playwright-core, with a fresh profile per launch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { addCleanup } from './cleanup.mjs';
import { chromiumPath } from './paths.mjs';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chromium with a fresh user-data dir. Returns { context, page, close }.
 * @param {{ viewport?: {width:number,height:number}, timeoutMs?: number }} [o]
 */
export async function launchBrowser(o = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'reactions-chromium-'));
  let context;
  const close = addCleanup(
    'chromium',
    async () => {
      try {
        await context?.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
    () => rmSync(profile, { recursive: true, force: true }),
  );
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: o.viewport ?? { width: 1400, height: 900 },
      timeout: o.timeoutMs ?? 60_000,
      // Playwright's own signal handlers would exit the process (130) before our cleanups ran;
      // cleanup.mjs handles the signals and closes the browser. (Playwright still kills the
      // browser synchronously if the process exits some other way.)
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    await close();
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close };
}

/**
 * Opens the workbench at `url` and waits until it is usable: the workbench shell is there and,
 * when `readyFile` is given, the Explorer shows that file of the opened folder.
 */
export async function openWorkbench(page, url, { readyFile, timeoutMs = 90_000 } = {}) {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  if (readyFile) {
    await page.getByRole('treeitem', { name: readyFile }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  }
}
