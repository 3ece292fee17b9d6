/**
 * Clean-up rules in the real workbench (the packaged .vsix in code-server, driven by Chromium): keep a
 * reaction (pin), group by date from the view's title menu, Clean Up with its preview and confirmation,
 * the Delete key, and Show Removed putting a whole clean-up back. Checks the emulator after each step;
 * screenshots in test-results/e2e/cleanup-*.png.
 */
import * as assert from 'assert';
import { excerpt } from '../../src/core/model';
import type { Emulator } from '../emulator';
import type { Locator } from 'playwright-core';
import { useWorkbench, type Workbench } from './harness';

const DAY = 86_400_000;
const votes = (emu: Emulator) => emu.sc.votesOf('alice');

/** alice's voted statuses with their excerpt and date, oldest first. */
function statuses(emu: Emulator): Array<{ id: number; text: string; at: number }> {
  return votes(emu)
    .filter((v) => v.type === 'status')
    .map((v) => {
      const item = emu.sc.get('status', v.id)!;
      return { id: v.id, text: excerpt(item.summary || item.html), at: Date.parse(String(item.added_at)) };
    })
    .sort((a, b) => a.at - b.at);
}

/**
 * Finds a row and wheels the tree up a little, so that the row is not under the tree's sticky headers
 * (a click there lands on the header, and a context menu there gets no tree item).
 */
async function reveal(w: Workbench, label: RegExp): Promise<Locator> {
  const row = await w.findTreeItem(label);
  const box = await row.boundingBox();
  if (box && box.y < 250) {
    await w.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await w.page.mouse.wheel(0, -200);
    await w.page.waitForTimeout(300);
  }
  return row;
}

describe('E2E: clean-up rules', () => {
  // Notify on startup is on from the start: with no rule saved yet it says nothing (the last test reloads).
  const wb = useWorkbench({
    emulator: { seed: 3 },
    sideBarWidth: 520,
    settings: { 'reactions.cleanUp.notifyOnStartup': true },
  });
  let kept = { id: 0, text: '', at: 0 };

  it('keeps a reaction from the context menu: a pin and "kept" in the tree', async () => {
    const w = wb();
    // Three statuses voted today, next to the seeded ones (all more than a year old).
    for (const text of ['Release notes are out today', 'Welcome to the new members', 'Office hours this Friday']) {
      const id = w.emulator.sc.addItem('status', { html: text });
      w.emulator.sc.setVote('status', id, 'alice', 2);
    }
    await w.openReactions();
    await (await w.waitForViewContent('My Reactions')).getByText('Add Account').first().waitFor();
    await w.addScAccount(votes(w.emulator).length);
    // The second-oldest status: old enough for the clean-up rule below, and visible once grouped by date.
    kept = statuses(w.emulator)[1];
    const row = new RegExp(` reaction on status: ${kept.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await reveal(w, row);
    await w.contextMenu(row, 'Keep');
    const pinned = await w.findTreeItem(new RegExp(`${row.source.slice(0, -1)}, kept$`));
    assert.strictEqual(await pinned.locator('.codicon-pinned').count(), 1, 'the row shows the pin icon');
    await pinned.click();
    await w.screenshot('cleanup-01-kept-pin');
  });

  it('groups by date from the view title picker', async () => {
    const w = wb();
    await w.page
      .locator('.part.sidebar .title-actions')
      .getByRole('button', { name: /Group and Sort/ })
      .click();
    await w.pickQuickItem(/By date/);
    await w.findTreeItem(/^This week: 3 reactions$/);
    await w.findTreeItem(/^20\d\d: \d+ reactions$/);
    await w.screenshot('cleanup-02-grouped-by-date');
  });

  it('Clean Up shows exactly what matches, kept one left out, then removes exactly that', async () => {
    const w = wb();
    const emu = w.emulator;
    const before = votes(emu).length;
    // Every reaction at least as old as the kept one (a few statuses, discussions, posts and comments).
    const days = Math.floor((Date.now() - kept.at) / DAY) - 1;
    await w.runCommand('Reactions: Clean Up…');
    await w.answerQuickInput(String(days), { expectPrompt: /older than how many days/ });
    const widget = w.page.locator('.quick-input-widget');
    await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'Celebrate' }).waitFor();
    // a wizard like Add Account: a step counter, and Back to the days with what was typed
    await widget.filter({ hasText: /2\/3/ }).waitFor({ state: 'visible', timeout: 5000 });
    await w.screenshot('cleanup-03a-wizard-step-2-of-3');
    await widget.getByRole('button', { name: 'Back' }).click();
    await widget.filter({ hasText: /older than how many days/ }).waitFor();
    assert.strictEqual(await widget.locator('.quick-input-box input').first().inputValue(), String(days));
    await w.answerQuickInput(String(days), { expectPrompt: /older than how many days/ });
    await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'Celebrate' }).waitFor();
    await widget.getByRole('button', { name: 'OK' }).click();
    await w.answerQuickInput('', { expectPrompt: /containing these words/ });
    const title = w.page
      .locator('.quick-input-widget')
      .filter({ hasText: /Clean Up: \d+ reactions match \(1 kept, left out\)/ });
    await title.waitFor({ state: 'visible', timeout: 20_000 });
    const n = Number(/Clean Up: (\d+) reactions match/.exec(await title.innerText())![1]);
    assert.ok(n > 0 && n < before, `the rule matches some (${n} of ${before})`);
    await w.screenshot('cleanup-03-preview');

    // The list as a document beside the preview: clicking into it does not end the preview
    await w.pickQuickItem(/Open the List as a Document/);
    const editor = w.page.locator('.editor-instance .view-lines').first();
    await editor.waitFor({ state: 'visible', timeout: 20_000 });
    await title.waitFor({ state: 'visible', timeout: 20_000 });
    await editor.click();
    await w.page.waitForTimeout(500);
    assert.ok(await title.isVisible(), 'the preview is still open after a click into the document');
    await w.screenshot('cleanup-03b-document-beside-preview');

    await w.pickQuickItem(new RegExp(`Remove ${n} Reactions…`));
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    await dialog.getByRole('button', { name: `Remove ${n} Reactions` }).click();
    await w.notification(new RegExp(`Removed ${n} of ${n} reactions`)).waitFor({ state: 'visible', timeout: 60_000 });
    // the document follows: nothing matches the rule any more (the kept one is still left out)
    await w.page
      .locator('.editor-instance .view-lines', { hasText: /Clean\sUp:\s0\sreactions\smatch\s\(1\skept,\sleft\sout\)/ })
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 });
    await w.screenshot('cleanup-03c-document-after-removal');
    await w.page.keyboard.press('Control+W');
    assert.strictEqual(votes(emu).length, before - n, 'the server lost exactly the previewed count');
    assert.ok(
      votes(emu).some((v) => v.type === 'status' && v.id === kept.id),
      'the kept reaction is still there',
    );
  });

  it('Show Removed lists the clean-up and puts all of it back', async () => {
    const w = wb();
    const emu = w.emulator;
    const before = votes(emu).length;
    await w.runCommand('Reactions: Show Removed…');
    const batch = w.page.locator('.quick-input-list .monaco-list-row', { hasText: /Clean Up/ }).first();
    await batch.waitFor({ state: 'visible', timeout: 20_000 });
    await w.screenshot('cleanup-04-journal');
    const n = Number(/(\d+) reactions/.exec(await batch.innerText())![1]);
    await batch.click();
    await w.page
      .locator('.quick-input-widget')
      .filter({ hasText: /Put Back — Clean Up/ })
      .waitFor();
    await w.screenshot('cleanup-05-journal-batch');
    await w.page.locator('.quick-input-widget').getByRole('button', { name: 'OK' }).click();
    // A put-back is a new reaction: the modal says so (people notified again, today's date) before anything is sent.
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await dialog.innerText(), /notified again/);
    await dialog.getByRole('button', { name: `Put Back ${n} Reactions` }).click();
    await w.notification(new RegExp(`Put back ${n} reactions`)).waitFor({ state: 'visible', timeout: 60_000 });
    assert.strictEqual(votes(emu).length, before + n, 'every removed reaction is back on the server');
  });

  it('the Delete key removes the selected reaction, through the same flow as the menu', async () => {
    const w = wb();
    const emu = w.emulator;
    const before = votes(emu).length;
    const row = await reveal(w, / reaction on (status|discussion|post|comment): /);
    await row.click();
    await w.page.keyboard.press('Delete');
    await w.notification(/Removed your .* reaction on/).waitFor({ state: 'visible', timeout: 20_000 });
    assert.strictEqual(votes(emu).length, before - 1);
    await w.screenshot('cleanup-06-delete-key');
  });

  it('a new window says how many reactions match the saved rule; Review opens that clean-up', async () => {
    const w = wb();
    await w.reload();
    // Activates the extension whatever the window restored (a reloaded window may show no side bar).
    await w.runCommand('Reactions: Show Log');
    // The notice shows as a toast for a few seconds; the notification center keeps it after that.
    const text = /\d+ reactions match your clean-up rule\./;
    let toast = w.notification(text);
    if (
      !(await toast.waitFor({ state: 'visible', timeout: 30_000 }).then(
        () => true,
        () => false,
      ))
    ) {
      await w.runCommand('Notifications: Show Notifications');
      toast = w.page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
      await toast.waitFor({ state: 'visible', timeout: 20_000 });
    }
    const n = Number(/(\d+) reactions match/.exec(await toast.innerText())![1]);
    assert.ok(n > 0, 'the restored reactions match the rule again');
    await w.screenshot('cleanup-07-startup-notice');
    await toast.getByRole('button', { name: 'Review' }).click();
    // The same rule, the same count: the preview of "Clean Up Again".
    await w.page
      .locator('.quick-input-widget')
      .filter({ hasText: new RegExp(`Clean Up: ${n} reactions match \\(1 kept, left out\\)`) })
      .waitFor({ state: 'visible', timeout: 20_000 });
    await w.page.keyboard.press('Escape');
  });
});
