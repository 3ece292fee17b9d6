/**
 * A bulk removal cut short by a window reload, in the real workbench (the packaged .vsix in code-server,
 * driven by Chromium), against the emulator with latency so the run lasts: after the reload the journal
 * (Show Removed) holds exactly the reactions the server no longer has, the "interrupted" notice shows once,
 * and Resume removes exactly the rest — each target gets one applied write over both windows.
 * Screenshots in test-results/e2e/interrupted-*.png.
 */
import * as assert from 'assert';
import * as path from 'path';
import { RestoreJournal } from '../../src/core/cleanup/journal';
import { resumePlan } from '../../src/core/cleanup/runs';
import { tines } from '../../src/core/services/tines';
import type { Reaction } from '../../src/core/model';
import type { Emulator } from '../emulator';
import { useWorkbench, type Workbench } from './harness';

const votedStatuses = (emu: Emulator) =>
  new Set(
    emu.sc
      .votesOf('alice')
      .filter((v) => v.type === 'status')
      .map((v) => String(v.id)),
  );

/** POSTs to each status's vote endpoint, by status id. */
function votePosts(emu: Emulator): Map<string, number> {
  const posts = new Map<string, number>();
  for (const r of emu.requests) {
    const m = /\/status\/(\d+)\/vote\/$/.exec(r.path);
    if (r.method === 'POST' && m) posts.set(m[1], (posts.get(m[1]) ?? 0) + 1);
  }
  return posts;
}

function journalOf(w: Workbench): RestoreJournal {
  const folder = path.join(w.codeServer.dirs.userData, 'User', 'globalStorage', 'reactions-dev.reactions-vscode');
  return RestoreJournal.inFolder(folder);
}

/** A notification as a toast, or (once the toast has hidden) in the notification center. */
async function notice(w: Workbench, text: RegExp) {
  const toast = w.notification(text);
  if (
    await toast.waitFor({ state: 'visible', timeout: 40_000 }).then(
      () => true,
      () => false,
    )
  )
    return toast;
  await w.runCommand('Notifications: Show Notifications');
  const item = w.page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: 20_000 });
  return item;
}

describe('E2E: a bulk removal interrupted by a window reload', function () {
  this.timeout(10 * 60_000);
  // ~630 voted statuses, no comments: one list, a long removal once latency is on.
  const wb = useWorkbench({
    emulator: {
      seed: 24,
      sc: { statuses: 700, discussions: 0, posts: 0, commentsPerItem: 0, voteRate: 0.9 },
      // for the second test: bob reacted with the same emoji as alice everywhere (no harmless proof)
      tines: { cases: 4, commentsPerCase: 3, reactionRate: 0.8, shared: { user: 'bob', share: 1 } },
    },
    sideBarWidth: 520,
  });

  it('Show Removed holds exactly what the server lost, the notice shows once, Resume removes exactly the rest', async () => {
    const w = wb();
    const emu = w.emulator;
    const asked = votedStatuses(emu);
    assert.ok(asked.size >= 500, `only ${asked.size} reactions`);
    await w.openReactions();
    await w.addScAccount(asked.size, 90_000);

    // Remove All, with latency: ~3 requests a reaction at 60 ms, 4 at a time.
    emu.setLatency(60);
    emu.clearLog();
    await w.runCommand('Reactions: Remove All Reactions');
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    await dialog.getByRole('button', { name: `Remove ${asked.size} Reactions` }).click();
    const until = Date.now() + 120_000;
    while (asked.size - votedStatuses(emu).size < 150) {
      assert.ok(Date.now() < until, 'the removal does not progress');
      await w.page.waitForTimeout(100);
    }
    await w.screenshot('interrupted-01-running');
    await w.reload();
    // The old extension host is gone: the server's state no longer moves.
    await w.page.waitForTimeout(3000);
    const left = votedStatuses(emu);
    const gone = [...asked].filter((id) => !left.has(id));
    await w.page.waitForTimeout(2000);
    assert.strictEqual(votedStatuses(emu).size, left.size, 'removals went on after the reload');

    // The new window activates (no request needed) and tells once.
    await w.runCommand('Reactions: Show Log');
    const text = /Bulk removal was interrupted after ([\d,]+) of ([\d,]+) reactions\./;
    const toast = await notice(w, text);
    const [, done, of] = text.exec(await toast.innerText())!;
    await w.screenshot('interrupted-02-notice');
    assert.strictEqual(Number(of.replace(/,/g, '')), asked.size);
    assert.strictEqual(Number(done.replace(/,/g, '')), gone.length, 'the notice counts what the server lost');

    // Show Removed (the journal, as the next window reads it) is exactly what the server no longer has.
    const [batch] = await journalOf(w).list();
    assert.ok(batch.run && !batch.run.ended, 'the run is in the journal without an end');
    assert.deepStrictEqual(batch.reactions.map((r) => r.target.id).sort(), gone.sort());
    const plan = resumePlan(batch);
    assert.deepStrictEqual(plan.map((r) => r.target.id).sort(), [...left].sort(), 'Resume plans exactly the rest');
    await w.runCommand('Reactions: Show Removed…');
    await w.pickQuickItem(new RegExp(`${gone.length} reactions`));
    await w.page
      .locator('.quick-input-widget')
      .filter({ hasText: /Put Back — Bulk removal/ })
      .waitFor();
    await w.screenshot('interrupted-03-show-removed');
    await w.page.keyboard.press('Escape');

    // Resume: only the rest; each target got one applied write across both windows.
    const sentBefore = votePosts(emu);
    await (await notice(w, text)).getByRole('button', { name: 'Resume' }).click();
    await notice(w, new RegExp(`Removed ${left.size} of ${left.size} reactions`));
    await w.screenshot('interrupted-04-resumed');
    assert.strictEqual(votedStatuses(emu).size, 0, 'every reaction is gone');
    const posts = votePosts(emu);
    const resumed = [...posts].filter(([id, n]) => n > (sentBefore.get(id) ?? 0)).map(([id]) => id);
    assert.deepStrictEqual(
      [...posts.values()].filter((n) => n !== 1),
      [],
      'a target got more than one write',
    );
    assert.strictEqual(posts.size, asked.size);
    assert.deepStrictEqual(resumed.sort(), [...left].sort(), 'Resume wrote exactly the rest');
    const [after] = await journalOf(w).list();
    assert.strictEqual(after.id, batch.id, 'one entry in Show Removed for the whole run');
    assert.strictEqual(after.reactions.length, asked.size);
    assert.ok(after.run?.ended);
    console.log(
      `      interrupted run: ${asked.size} asked, ${gone.length} removed before the reload (Show Removed: ${batch.reactions.length}), Resume planned ${plan.length} and sent ${resumed.length} writes`,
    );

    // Once: the next window says nothing more about it.
    await w.reload();
    await w.runCommand('Reactions: Show Log');
    await w.page.waitForTimeout(4000);
    assert.strictEqual(await w.page.locator('.notification-toast', { hasText: text }).count(), 0);
  });

  it('Resume of a run cut short before its Tines key was proven asks about the key, then removes the rest', async () => {
    const w = wb();
    const emu = w.emulator;
    const alice = emu.users.find((u) => u.name === 'alice')!;
    const bobBefore = emu.tines.reactionsOf('bob');
    const n = emu.tines.reactionsOf('alice').length;
    assert.ok(n >= 3 && bobBefore.length >= n, `alice ${n}, bob ${bobBefore.length}`);
    await w.openReactions();
    await w.addTinesAccount();
    await w.findTreeItem(new RegExp(`^Tines account Alice Martin @ .*, ${n} reactions$`), 60_000);

    // A run the window closed on before its first Tines write (as one whose SelfCommunity part went
    // first): in the journal with what it asked, nothing sent. The same reactions the extension lists.
    const account = await tines.signIn({ baseUrl: emu.tinesUrl, token: alice.tinesToken, email: alice.email });
    const asked: Reaction[] = [];
    for await (const batch of tines.connect(account, () => alice.tinesToken).listReactions()) asked.push(...batch);
    assert.strictEqual(asked.length, n);
    await journalOf(w).startRun('bulk', asked);
    await w.reload();

    const text = new RegExp(`Bulk removal was interrupted after 0 of ${n} reactions\\.`);
    await (await notice(w, text)).getByRole('button', { name: 'Resume' }).click();
    // Resume is the person's choice: no count question, but the key is asked about, since every one of
    // these comments also carries bob's reaction with the same emoji (a wrong key would remove his).
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /This Tines key has not been shown to be .*'s yet/);
    assert.strictEqual(emu.tines.reactionsOf('alice').length, n, 'nothing was written before the answer');
    await w.screenshot('interrupted-05-resume-asks-key');
    await dialog.getByRole('button', { name: 'Write Anyway' }).click();
    await notice(w, new RegExp(`Removed ${n} of ${n} reactions`));
    assert.deepStrictEqual(emu.tines.reactionsOf('alice'), [], "every one of alice's reactions is gone");
    assert.deepStrictEqual(emu.tines.reactionsOf('bob'), bobBefore, "bob's reactions are all still there");
  });
});
