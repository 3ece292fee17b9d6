/**
 * E2E harness: the packaged extension (.vsix, as a user installs it) in code-server (VS Code 1.139
 * in the browser, with a real extension host), the API emulator with seeded data, and headless
 * Debian Chromium driven by playwright-core. Specs (test/e2e/*.spec.ts, mocha) use `useWorkbench()`
 * and the helpers of `Workbench`; every helper waits with a timeout and fails with a clear message.
 *
 * Env: REACTIONS_E2E_VSIX=<file> uses that .vsix instead of building one;
 *      REACTIONS_E2E_TIMEOUT_MS bounds the whole run (default 30 min);
 *      REACTIONS_E2E_KEEP=1 keeps code-server's temp folder (logs) after the run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator';
import { launchBrowser, openWorkbench } from '../../scripts/host/browser.mjs';
import { addCleanup, runCleanups, startWatchdog } from '../../scripts/host/cleanup.mjs';
import { startCodeServer, type CodeServer } from '../../scripts/host/code-server.mjs';
import { packageVsix } from '../../scripts/host/package-vsix.mjs';
import { ROOT } from '../../scripts/host/paths.mjs';

export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'e2e');
/** The file the opened workspace contains; its Explorer row tells that the workbench is ready. */
const WELCOME_FILE = 'welcome.md';
const UI_TIMEOUT_MS = 20_000;

let vsixPromise: Promise<string> | undefined;

/** Runs in the page: a fingerprint of the quick input widget (see Workbench.quickInputMoved). */
const QUICK_INPUT_STATE = (): string => {
  const widget = document.querySelector<HTMLElement>('.quick-input-widget');
  if (!widget || getComputedStyle(widget).display === 'none') return 'hidden';
  const box = widget.querySelector<HTMLInputElement>('.quick-input-box input');
  return `${widget.innerText}\u0000${box?.value ?? ''}\u0000${box?.type ?? ''}`;
};

/** Builds and packages the extension once per test process (unless REACTIONS_E2E_VSIX is set). */
export function ensureVsix(): Promise<string> {
  vsixPromise ??= (async () => {
    if (process.env.REACTIONS_E2E_VSIX) return path.resolve(process.env.REACTIONS_E2E_VSIX);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-vsix-'));
    const remove = () => fs.rmSync(dir, { recursive: true, force: true });
    addCleanup('vsix dir', remove, remove);
    return packageVsix({ out: path.join(dir, 'reactions.vsix') });
  })();
  return vsixPromise;
}

let watchdogStarted = false;

// Screenshots of this run only: none left over from an earlier one (e.g. a FAILED-*.png since fixed).
fs.rmSync(SCREENSHOT_DIR, { recursive: true, force: true });

// A root-level hook (this module loads while mocha reads the spec files): whatever a spec left
// running or on disk (a workbench it did not close, the packaged .vsix) goes at the end of the run.
after(async function () {
  this.timeout(60_000);
  await runCleanups();
});

export interface WorkbenchOptions {
  emulator?: EmulatorOptions;
  /** Extra environment for code-server and the extension host. */
  env?: Record<string, string>;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Side-bar width in px for readable screenshots (default 440; 0 keeps VS Code's default). */
  sideBarWidth?: number;
}

/** Starts emulator + code-server (with the .vsix) + Chromium and opens the workbench. */
export async function startWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  if (!watchdogStarted) {
    watchdogStarted = true;
    startWatchdog(Number(process.env.REACTIONS_E2E_TIMEOUT_MS ?? 30 * 60_000), 'the E2E run');
  }
  const vsix = await ensureVsix();
  const emulator = await startEmulator(options.emulator ?? {});
  const stopEmulator = addCleanup('emulator', () => emulator.close());

  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-e2e-ws-'));
  const removeFolder = addCleanup('e2e workspace', () => fs.rmSync(folder, { recursive: true, force: true }));
  fs.writeFileSync(path.join(folder, WELCOME_FILE), '# Reactions E2E\n');

  const codeServer = await startCodeServer({
    folder,
    vsix,
    env: { REACTIONS_EMULATOR: JSON.stringify(emulatorInfo(emulator)), ...options.env },
    // Sticky-scroll headers (the account and group pinned over the rows) intercept clicks on the rows
    // under them and keep their index while the list scrolls: the tests look for rows, so turn it off.
    settings: { 'workbench.tree.enableStickyScroll': false, ...options.settings },
    keepTemp: process.env.REACTIONS_E2E_KEEP === '1',
    idleTimeoutSeconds: 300, // gone by itself if this process is killed with SIGKILL
  });
  const browser = await launchBrowser();
  await openWorkbench(browser.page, codeServer.url, { readyFile: WELCOME_FILE });
  const wb = new Workbench(browser.page, codeServer, emulator, async () => {
    await browser.close();
    await codeServer.stop();
    await stopEmulator();
    await removeFolder();
  });
  if (options.sideBarWidth !== 0) await wb.resizeSideBar(options.sideBarWidth ?? 440);
  return wb;
}

function emulatorInfo(e: Emulator) {
  return { selfcommunityUrl: e.selfcommunityUrl, tinesUrl: e.tinesUrl, users: e.users };
}

/**
 * Mocha glue: starts a workbench before the suite, closes it after, and saves a screenshot of
 * every failing test. Returns a getter.
 */
export function useWorkbench(options: WorkbenchOptions = {}): () => Workbench {
  let wb: Workbench | undefined;
  before(async function () {
    this.timeout(5 * 60_000);
    wb = await startWorkbench(options);
  });
  afterEach(async function () {
    if (wb && this.currentTest?.state === 'failed') {
      const file = await wb.screenshot(`FAILED-${this.currentTest.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`      screenshot of the failure: ${path.relative(ROOT, file)}`);
    }
  });
  after(async function () {
    this.timeout(60_000);
    await wb?.close();
  });
  return () => {
    if (!wb) throw new Error('workbench not started (did the before hook fail?)');
    return wb;
  };
}

export class Workbench {
  constructor(
    readonly page: Page,
    readonly codeServer: CodeServer,
    readonly emulator: Emulator,
    private readonly closeAll: () => Promise<void>,
  ) {}

  close(): Promise<void> {
    return this.closeAll();
  }

  /**
   * Drags the side bar's edge so it is `width` px wide (the default ~300 px truncates most labels in
   * screenshots). The width is kept when another view container opens.
   */
  async resizeSideBar(width: number): Promise<void> {
    const sidebar = this.page.locator('.part.sidebar');
    await sidebar.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const box = await sidebar.boundingBox();
    if (!box || Math.abs(box.width - width) < 4) return;
    const y = box.y + box.height / 2;
    const edge = box.x + box.width; // the sash sits on this edge
    await this.page.mouse.move(edge, y);
    await this.page.mouse.down();
    await this.page.mouse.move(edge + (width - box.width) / 2, y, { steps: 5 });
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /**
   * Reloads the window: a new extension host (the extension activates again) over the same user data
   * (accounts, SecretStorage, the reaction cache). Resolves with the title of the side bar the new
   * window shows (e.g. "Explorer"), once it shows one.
   */
  async reload(): Promise<string> {
    await this.page.reload({ waitUntil: 'domcontentloaded', timeout: 90_000 });
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    const title = this.page.locator('.part.sidebar .composite.title .title-label').first();
    await title.waitFor({ state: 'visible', timeout: 90_000 });
    return (await title.innerText()).trim();
  }

  /**
   * Adds alice's SelfCommunity account with a pasted token (the Add Account flow) and waits until its row
   * shows `reactions` reactions.
   */
  async addScAccount(reactions: number, timeoutMs = 60_000): Promise<void> {
    await this.runCommand('Reactions: Add Account');
    await this.pickQuickItem(/SelfCommunity.*paste an access token/);
    await this.answerQuickInput(this.emulator.selfcommunityUrl, { expectPrompt: /address of the SelfCommunity site/ });
    const widget = this.page.locator('.quick-input-widget');
    await widget.filter({ hasText: /OAuth access token/ }).waitFor({ state: 'visible', timeout: 20_000 });
    const token = this.emulator.users.find((u) => u.name === 'alice')!.scToken;
    await widget.locator('input[type=password]').fill(token);
    await widget.locator('input[type=password]').press('Enter');
    await this.findTreeItem(new RegExp(`^SelfCommunity account alice @ .*, ${reactions} reactions$`), timeoutMs);
  }

  /** Adds alice's Tines account with a pasted key (the Add Account flow) and waits for its "Added" message. */
  async addTinesAccount(timeoutMs = 60_000): Promise<void> {
    const alice = this.emulator.users.find((u) => u.name === 'alice')!;
    const widget = this.page.locator('.quick-input-widget');
    await this.runCommand('Reactions: Add Account');
    await this.pickQuickItem(/Tines.*paste an API key/);
    await this.answerQuickInput(this.emulator.tinesUrl, { expectPrompt: /address of the Tines site/ });
    await widget.locator('input[type=password]').waitFor({ state: 'visible', timeout: 20_000 });
    await widget.locator('input[type=password]').fill(alice.tinesToken);
    await widget.locator('input[type=password]').press('Enter');
    await this.answerQuickInput(alice.email, { expectPrompt: /email address/ });
    await this.notification(/Added Alice Martin @/).waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Clicks the activity-bar tab of a view container (default: ours, "Reactions"). */
  async openViewContainer(title = 'Reactions'): Promise<void> {
    const tab = this.page.locator('.part.activitybar').getByRole('tab', { name: title });
    await tab.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(() => {
      throw new Error(`no activity-bar tab "${title}" (is the extension installed and its container contributed?)`);
    });
    // Clicking an already selected tab would collapse the side bar.
    if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
    await this.page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  }

  openReactions(): Promise<void> {
    return this.openViewContainer('Reactions');
  }

  /**
   * The body of a view in the side bar by its name, e.g. "My Reactions": its tree, or its welcome
   * content when it has nothing to show. (Alone in its container, a view's header is hidden and its
   * name shows in the side-bar title instead, so the header is no test of visibility.)
   */
  view(name: string): Locator {
    // The header is labelled "<name> Section", or "<name> - <description> Section" when the view
    // has a description (e.g. "filtered").
    const header = `.pane-header:is([aria-label=${JSON.stringify(`${name} Section`)}], [aria-label^=${JSON.stringify(`${name} - `)}])`;
    return this.page.locator(`.part.sidebar .pane:has(> ${header}) > .pane-body`).first();
  }

  /**
   * Waits until a view shows real content — tree rows or its welcome content — rather than the
   * placeholder VS Code shows while the extension is still activating ("There is no data provider
   * registered ..."). Returns the view body.
   */
  async waitForViewContent(name: string, timeoutMs = UI_TIMEOUT_MS): Promise<Locator> {
    const body = this.view(name);
    await body.waitFor({ state: 'visible', timeout: timeoutMs }).catch(() => {
      throw new Error(`the view "${name}" is not visible`);
    });
    await body
      .locator('[role=treeitem], .welcome-view-content')
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs })
      .catch(async () => {
        const text = (await body.innerText().catch(() => '')).trim();
        throw new Error(
          `the view "${name}" shows neither rows nor welcome content within ${timeoutMs / 1000} s: "${text}"`,
        );
      });
    // Welcome content can show before activation ends; wait (best effort) for the side bar's
    // progress bar and the "Activating Extensions..." status to go, so screenshots show a settled view.
    await this.page
      .locator('.part.sidebar .monaco-progress-container.active')
      .first()
      .waitFor({ state: 'hidden', timeout: timeoutMs })
      .catch(() => {});
    await this.page
      .locator('.part.statusbar', { hasText: 'Activating Extensions' })
      .waitFor({ state: 'hidden', timeout: timeoutMs })
      .catch(() => {});
    return body;
  }

  /**
   * Runs a command from the palette by its full title, e.g. "Reactions: Add Account". The palette
   * does not refresh while open (right after start-up it may not list the extension's commands
   * yet), so it is reopened until the command shows or the time is out.
   */
  async runCommand(title: string, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const input = this.quickInputBox();
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    for (;;) {
      await this.page.keyboard.press('Escape'); // close whatever quick input or menu is open
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: Math.max(1000, deadline - Date.now()) });
      await input.fill(`>${title}`);
      const wait = Math.max(0, Math.min(3000, deadline - Date.now()));
      if (
        await row.waitFor({ state: 'visible', timeout: wait }).then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() >= deadline) {
        await this.page.keyboard.press('Escape');
        throw new Error(`the command palette has no command "${title}"`);
      }
    }
    await input.press('Enter');
  }

  /** The quick input's text box: type=text, or type=password for secrets (tokens). */
  private quickInputBox(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input').first();
  }

  /** Answers the open quick input (input box or quick pick): types `text` and presses Enter. */
  async answerQuickInput(text: string, { expectPrompt }: { expectPrompt?: string | RegExp } = {}): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    if (expectPrompt) {
      await widget.filter({ hasText: expectPrompt }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    }
    const input = this.quickInputBox();
    await input.fill(text);
    const before = await this.quickInputState();
    await input.press('Enter');
    await this.quickInputMoved(before);
  }

  /** Picks an item of the open quick pick by its label. */
  async pickQuickItem(label: string | RegExp): Promise<void> {
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const before = await this.quickInputState();
    await row.click();
    await this.quickInputMoved(before);
  }

  /** What the quick input shows (texts, box value and type), or 'hidden'. */
  private quickInputState(): Promise<string> {
    return this.page.evaluate(QUICK_INPUT_STATE);
  }

  /**
   * Multi-step inputs reuse one widget: after an answer, wait (up to 5 s, then go on) until it
   * shows something else — the next step, a validation message — or closes. Otherwise the next
   * answer could land in the step just answered.
   */
  private async quickInputMoved(before: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (await this.quickInputState()) === before) {
      await this.page.waitForTimeout(50);
    }
  }

  /** A tree row by its accessible label (exact label or a pattern). */
  treeItem(label: string | RegExp): Locator {
    return this.page.locator('.part.sidebar').getByRole('treeitem', { name: label }).first();
  }

  /**
   * Waits for a tree row and returns it, scrolled into view. Trees are virtual lists (only the rows
   * on screen exist in the page), so when the row is not there the side bar's trees are wheeled
   * through, top to bottom, until it shows up or the time is out.
   */
  async findTreeItem(label: string | RegExp, timeoutMs = UI_TIMEOUT_MS): Promise<Locator> {
    const row = this.treeItem(label);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const wait = Math.max(0, Math.min(1000, deadline - Date.now()));
      if (
        await row.waitFor({ state: 'visible', timeout: wait }).then(
          () => true,
          () => false,
        )
      )
        return row;
      if (await this.scrollTreesFor(row)) return row;
      if (Date.now() >= deadline) throw new Error(`no tree row "${label}" within ${timeoutMs / 1000} s`);
    }
  }

  /** Wheels through each tree in the side bar looking for `row`; true (and left in view) when found. */
  private async scrollTreesFor(row: Locator): Promise<boolean> {
    for (const tree of await this.page.locator('.part.sidebar .monaco-list[role=tree]').all()) {
      const box = await tree.boundingBox().catch(() => null);
      if (!box || box.height < 10) continue;
      await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await this.page.mouse.wheel(0, -1e6); // to the top
      await this.page.waitForTimeout(300);
      let previous: string | null = null;
      for (let page = 0; page < 500; page++) {
        if (await row.isVisible()) return true;
        // The scrolled rows only: sticky-scroll headers (parents pinned at the top) keep their index.
        const first = await tree
          .locator('.monaco-list-rows .monaco-list-row')
          .first()
          .getAttribute('data-index')
          .catch(() => null);
        if (first === previous) break; // the wheel no longer moves it: at the bottom
        previous = first;
        await this.page.mouse.wheel(0, box.height * 0.8);
        await this.page.waitForTimeout(100);
      }
    }
    return false;
  }

  /** A fully shown notification toast containing `text`. */
  notification(text: string | RegExp): Locator {
    // Wait for fade-in-done, or screenshots catch a half-transparent toast.
    return this.page.locator('.notification-toast.notification-fade-in-done', { hasText: text }).first();
  }

  /** Waits for a notification containing `text` and clicks its button `button`. */
  async clickNotificationButton(text: string | RegExp, button: string | RegExp): Promise<void> {
    const toast = this.notification(text);
    await toast.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(() => {
      throw new Error(`no notification "${text}"`);
    });
    await toast.getByRole('button', { name: button }).click();
  }

  /** Right-clicks a tree row and chooses `menuItem` from its context menu. */
  async contextMenu(rowLabel: string | RegExp, menuItem: string | RegExp): Promise<void> {
    const item = this.page.locator('.monaco-menu').getByRole('menuitem', { name: menuItem }).first();
    // A row the tree re-renders under the pointer (a refresh landing between finding the row and the
    // right-click) gets the menu of whatever row is drawn there then: close it and try again.
    for (let attempt = 1; ; attempt++) {
      const row = await this.findTreeItem(rowLabel);
      await row.click({ button: 'right' });
      const shown = await item.waitFor({ state: 'visible', timeout: attempt < 3 ? 5000 : UI_TIMEOUT_MS }).then(
        () => true,
        () => false,
      );
      if (shown) break;
      const items = await this.page.locator('.monaco-menu [role=menuitem]').allInnerTexts();
      if (attempt >= 3) {
        const seen = items.length ? items.map((t) => t.split('\n')[0]).join(' | ') : 'no menu';
        throw new Error(`the context menu of "${rowLabel}" has no item "${menuItem}" (it shows: ${seen})`);
      }
      await this.page.keyboard.press('Escape');
      await this.page.waitForTimeout(500);
    }
    await item.click();
    // The workbench now and then ignores a synthetic click on a freshly opened menu (seen in about
    // one of three tries here, with the item under the pointer); the keyboard always works.
    const menu = this.page.locator('.monaco-menu');
    if (
      !(await menu.waitFor({ state: 'hidden', timeout: 1500 }).then(
        () => true,
        () => false,
      ))
    ) {
      await item.hover();
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {
        throw new Error(`the context menu item "${menuItem}" of "${rowLabel}" did not run (is it disabled?)`);
      });
    }
  }

  /**
   * Saves a screenshot of the whole window to test-results/e2e/<name>.png; returns the path. Parks
   * the mouse over the empty editor area first so no hover tooltip covers the view (pass
   * `keepMouse` to show a hovered or highlighted item).
   */
  async screenshot(name: string, { keepMouse = false }: { keepMouse?: boolean } = {}): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const size = this.page.viewportSize();
    if (!keepMouse && size) {
      await this.page.mouse.move(size.width - 40, size.height - 60);
      // Let a hover tooltip (e.g. of the activity-bar tab just clicked) go away.
      await this.page
        .locator('.workbench-hover, .monaco-hover:not(.hidden)')
        .first()
        .waitFor({ state: 'hidden', timeout: 3000 })
        .catch(() => {});
      await this.page.waitForTimeout(200);
    }
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-').slice(0, 120)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
