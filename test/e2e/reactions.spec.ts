/**
 * The main user journeys in the real workbench (the packaged .vsix in code-server, driven by
 * Chromium), checking the emulator's state after each step and saving screenshots to
 * test-results/e2e/: add a SelfCommunity account through the UI, see the tree fill, remove one
 * reaction and press Undo, bulk-remove a group and cancel midway, change a reaction.
 */
import * as assert from 'assert';
import type { Locator } from 'playwright-core';
import { excerpt } from '../../src/core/model';
import type { Emulator } from '../emulator';
import { scTruth, user } from '../support';
import { useWorkbench, type Workbench } from './harness';

const alice = (emu: Emulator) => user(emu, 'alice');

/** alice's vote on a SelfCommunity item, as the server has it (undefined: no vote). */
function vote(emu: Emulator, type: string, id: number): number | null | undefined {
  return emu.sc.voteOf(type, id, 'alice')?.reactionId;
}

/** Finds the status alice voted on whose excerpt the tree shows as `text`. */
function statusByExcerpt(emu: Emulator, text: string): number {
  const found = emu.sc
    .votesOf('alice')
    .filter((v) => v.type === 'status')
    .find((v) => {
      const item = emu.sc.get('status', v.id)!;
      return excerpt(item.summary || item.html) === text;
    });
  assert.ok(found, `no status of alice's with the excerpt "${text}"`);
  return found.id;
}

async function ariaLabel(row: Locator): Promise<string> {
  return (await row.getAttribute('aria-label')) ?? '';
}

/** The first visible reaction row on a status: its label, excerpt and the status id on the server. */
async function firstStatusRow(wb: Workbench): Promise<{ label: string; text: string; id: number }> {
  const row = await wb.findTreeItem(/ reaction on status: /);
  const label = await ariaLabel(row);
  const text = label.slice(label.indexOf(': ') + 2);
  return { label, text, id: statusByExcerpt(wb.emulator, text) };
}

/** Types into the open input box when it is a password box (the harness's helper looks for type=text). */
async function answerPassword(wb: Workbench, text: string, prompt: RegExp): Promise<void> {
  const widget = wb.page.locator('.quick-input-widget');
  await widget.filter({ hasText: prompt }).waitFor({ state: 'visible', timeout: 20_000 });
  const input = widget.locator('input[type=password]');
  await input.fill(text);
  await input.press('Enter');
}

/** Drags the side bar's edge so reactions and their descriptions fit (and screenshots show them). */
async function widenSidebar(wb: Workbench, width: number): Promise<void> {
  const box = await wb.page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const x = box.x + box.width + 2;
  const y = box.y + box.height / 2;
  await wb.page.mouse.move(x, y);
  await wb.page.mouse.down();
  await wb.page.mouse.move(x + (width - box.width) / 2, y, { steps: 5 });
  await wb.page.mouse.move(box.x + width, y, { steps: 5 });
  await wb.page.mouse.up();
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('E2E: Reactions', () => {
  const wb = useWorkbench();

  it('adds a SelfCommunity account through the UI and the tree fills with its reactions', async () => {
    const w = wb();
    await w.openReactions();
    const view = await w.waitForViewContent('My Reactions');
    await view.getByText('Add Account').first().waitFor({ state: 'visible' });
    await widenSidebar(w, 620);
    await w.screenshot('01-welcome-no-account');

    await view.getByRole('button', { name: 'Add Account' }).click();
    await w.pickQuickItem(/SelfCommunity.*paste an access token/);
    await w.answerQuickInput(w.emulator.selfcommunityUrl, { expectPrompt: /address of the SelfCommunity site/ });
    await answerPassword(w, alice(w.emulator).scToken, /OAuth access token/);
    await w.notification(/Added alice @/).waitFor({ state: 'visible', timeout: 20_000 });

    const votes = scTruth(w.emulator, 'alice').size;
    const account = await w.findTreeItem(new RegExp(`^SelfCommunity account alice @ .*, ${votes} reactions$`), 60_000);
    assert.ok(await account.isVisible());
    await w.findTreeItem(/^Statuses: \d+ reactions?$/);
    await w.findTreeItem(/ reaction on status: /);
    await w.screenshot('02-tree-filled');
  });

  it('adds a Tines account: a wrong key is refused at its step, nothing is stored, the right one works', async () => {
    const w = wb();
    const a = alice(w.emulator);
    await w.runCommand('Reactions: Add Account');
    await w.pickQuickItem(/Tines.*paste an API key/);
    await w.answerQuickInput(w.emulator.tinesUrl, { expectPrompt: /address of the Tines site/ });
    await answerPassword(w, 'tines-wrong-key-000', /Personal API key/);
    await w.answerQuickInput(a.email, { expectPrompt: /email address on Tines/ });
    // The sign-in fails: the key step opens again, showing why.
    await w.page
      .locator('.quick-input-widget')
      .filter({ hasText: /rejected the API key/ })
      .waitFor({ state: 'visible', timeout: 20_000 });
    await w.screenshot('02b-tines-wrong-key');
    assert.strictEqual(await w.treeItem(/^Tines account/).count(), 0, 'nothing was added');

    await answerPassword(w, a.tinesToken, /rejected the API key|Personal API key/);
    await w.answerQuickInput(a.email, { expectPrompt: /email address on Tines/ });
    await w.notification(/Added Alice Martin @/).waitFor({ state: 'visible', timeout: 20_000 });
    const reactions = w.emulator.tines.reactionsOf('alice').length;
    // The Tines account comes after alice's long SelfCommunity list: fold that one to see it.
    const sc = await w.findTreeItem(/^SelfCommunity account alice @/);
    await sc.locator('.monaco-tl-twistie').click();
    await w.findTreeItem(new RegExp(`^Tines account Alice Martin @ .*, ${reactions} reactions$`), 60_000);
    await w.findTreeItem(/ reaction on case comment: /);
    await w.screenshot('02c-two-accounts');
    await sc.locator('.monaco-tl-twistie').click();
    await w.findTreeItem(/ reaction on status: /);
  });

  it('removes one reaction (gone on the server), then Undo puts it back', async () => {
    const w = wb();
    const emu = w.emulator;
    const { label, id } = await firstStatusRow(w);
    const before = vote(emu, 'status', id);
    assert.notStrictEqual(before, undefined);

    await w.contextMenu(label, 'Remove Reaction');
    await w.notification(/Removed your .* reaction on/).waitFor({ state: 'visible', timeout: 20_000 });
    assert.strictEqual(vote(emu, 'status', id), undefined, 'the vote is gone on the server');
    await w.treeItem(label).waitFor({ state: 'detached', timeout: 10_000 });
    await w.screenshot('03-removed-one');

    await w.clickNotificationButton(/Removed your .* reaction on/, 'Undo');
    await w.findTreeItem(label, 20_000);
    assert.strictEqual(vote(emu, 'status', id), before, 'the same reaction is back on the server');
    await w.notification(/Put back your .* reaction on/).waitFor({ state: 'visible', timeout: 20_000 });
    await w.screenshot('04-undone');
  });

  it('bulk-removes a group, cancelled midway: what was removed is gone, the rest untouched', async () => {
    const w = wb();
    const emu = w.emulator;
    const statusVotes = () => emu.sc.votesOf('alice').filter((v) => v.type === 'status');
    const total = statusVotes().length;
    assert.ok(total >= 6, `enough statuses to cancel midway (${total})`);

    emu.setLatency(1000); // slow enough to press Cancel while removals are running, even on a busy machine
    try {
      await w.contextMenu(new RegExp(`^Statuses: ${total} reactions$`), 'Remove All Reactions');
      const dialog = w.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await dialog.innerText(), new RegExp(`Remove ${total} reactions\\?`));
      await w.screenshot('05-bulk-confirm');
      await dialog.getByRole('button', { name: `Remove ${total} Reactions` }).click();

      const progress = w.notification(new RegExp(`Removing ${total} reactions`));
      await progress.waitFor({ state: 'visible', timeout: 10_000 });
      const started = Date.now();
      while (total - statusVotes().length < 2 && Date.now() - started < 30_000) await w.page.waitForTimeout(100);
      await w.screenshot('06-bulk-progress');
      await progress.getByRole('button', { name: 'Cancel' }).click();

      const summary = w.notification(/Cancelled: \d+ were not attempted/);
      await summary.waitFor({ state: 'visible', timeout: 30_000 });
      const text = await summary.innerText();
      await w.screenshot('07-bulk-cancelled');
      const m = /Removed (\d+) of (\d+) reactions/.exec(text);
      assert.ok(m, `summary "${text}"`);
      const removed = Number(m[1]);
      assert.strictEqual(Number(m[2]), total);
      assert.ok(removed >= 2 && removed < total, `cancelled midway (${removed} of ${total})`);
      assert.strictEqual(statusVotes().length, total - removed, 'the server lost exactly what the summary says');
      await w.findTreeItem(new RegExp(`^Statuses: ${total - removed} reactions?$`), 10_000);
    } finally {
      emu.setLatency(0);
    }
  });

  it('changes a reaction through the context menu and the picker', async () => {
    const w = wb();
    const emu = w.emulator;
    const { label, text, id } = await firstStatusRow(w);
    const current = vote(emu, 'status', id);
    const target = current === 6 ? { id: 2, label: 'Love' } : { id: 6, label: 'Celebrate' };

    await w.contextMenu(label, 'Change Reaction');
    await w.pickQuickItem(target.label);
    await w.notification(/Changed your reaction on/).waitFor({ state: 'visible', timeout: 20_000 });
    assert.strictEqual(vote(emu, 'status', id), target.id, 'changed on the server');
    await w.findTreeItem(new RegExp(`^${target.label} reaction on status: ${escape(text)}$`), 10_000);
    await w.screenshot('08-changed', { keepMouse: false });
  });

  it('filters by text from the palette, then Clear Filter shows everything again', async () => {
    const w = wb();
    await w.runCommand('Reactions: Filter');
    await w.pickQuickItem(/Text…/);
    await w.answerQuickInput('billing', { expectPrompt: /Words to look for/ });
    // The view names its filter in its description (and so in its accessible name).
    const view = w.view('My Reactions - text "billing"');
    const message = view.getByText(/Showing \d+ of \d+ reactions matching text "billing"/);
    await message.waitFor({ state: 'visible', timeout: 10_000 });
    const shown = Number(/Showing (\d+)/.exec(await message.innerText())![1]);
    // The message can show a moment before the tree has re-rendered its rows: read them until they settle.
    const rows = async () =>
      (
        await view.locator('[role=treeitem]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))
      ).filter((l) => / reaction on /.test(l));
    let reactions = await rows();
    for (const until = Date.now() + 10_000; reactions.length !== shown && Date.now() < until; reactions = await rows())
      await w.page.waitForTimeout(200);
    assert.ok(shown > 0 && shown < 40, `a few reactions match "billing" (${shown})`);
    assert.strictEqual(reactions.length, shown, 'the tree shows exactly the matching reactions');
    // A comment also matches through the title of what it belongs to, so not every label has the word.
    assert.ok(reactions.some((l) => /billing/i.test(l)));
    await w.screenshot('09-filtered');

    await w.runCommand('Reactions: Clear Filter');
    await w.page
      .locator('.part.sidebar')
      .getByText(/Showing \d+ of/)
      .waitFor({ state: 'detached', timeout: 10_000 });
    await w.view('My Reactions').waitFor({ state: 'visible', timeout: 10_000 });
    await w.findTreeItem(/^Statuses: \d+ reactions?$/);
  });

  it('a new window with an account: activating it sends no request; the listing starts when the view is shown', async () => {
    const w = wb();
    const emu = w.emulator;
    // The new window must come back with the Reactions view hidden (a visible view rightly starts a
    // listing). The workbench saves which side bar is open now and then, so a reload may still restore
    // ours: then that window's activation does not count, and the next reload is the test.
    for (let attempt = 1; ; attempt++) {
      await w.openViewContainer('Explorer');
      await w.page.waitForTimeout(2000);
      emu.clearLog();
      const sideBar = await w.reload();
      if (/explorer/i.test(sideBar)) break;
      assert.ok(attempt < 3, `the reloaded window keeps showing "${sideBar}" instead of the Explorer`);
    }
    // Show Log activates the extension (if nothing did yet) without showing the view; the log says when,
    // and with how many accounts (the SelfCommunity and the Tines one added above). A request that
    // reaches the emulator meanwhile ends the wait at once (its log lines would push that line away).
    const sent = () => [...emu.requests, ...emu.otherOrigin.requests].map((r) => `${r.method} ${r.path}`);
    await w.runCommand('Reactions: Show Log');
    const activated = w.page
      .locator('.part.panel')
      .getByText(/Reactions\sactivated\sin\s[\d.]+\sms\s\(2\saccount\(s\)\)/)
      .first();
    const until = Date.now() + 30_000;
    while (sent().length === 0 && !(await activated.isVisible()) && Date.now() < until)
      await w.page.waitForTimeout(100);
    if (sent().length === 0) await w.page.waitForTimeout(3000); // what activation started (the cache read, a listing) has had time
    await w.screenshot('10-new-window-activated');
    assert.deepStrictEqual(sent(), [], 'no request reached the emulator while the extension activated');
    assert.ok(await activated.isVisible(), 'the log says the extension activated with both accounts');

    // Not vacuous: the account is there and the emulator answers — showing the view lists it.
    await w.openReactions();
    const votes = scTruth(emu, 'alice').size;
    await w.findTreeItem(new RegExp(`^SelfCommunity account alice @ .*, ${votes} reactions`), 60_000);
    assert.ok(
      emu.requests.some((r) => r.server === 'selfcommunity' && r.method === 'GET'),
      'showing the view started a listing',
    );
  });
});
