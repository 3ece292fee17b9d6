/**
 * Removed stays removed — or you hear about it, in the extension host against the emulator's ghost mode:
 * a removal that answers success while the reaction stays, another that comes back after a delay. The
 * next listing marks exactly those in the tree (row and account tooltip), Verify Removals reports them,
 * the run's receipt lists what was removed, and Remove Again on the account clears them.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { Reaction } from '../../src/core/model';
import * as fs from 'fs';
import type { CleanUpResult } from '../../src/ui/commands/cleanUp';
import type { RemovalSummary } from '../../src/ui/commands/remove';
import type { VerifyReport } from '../../src/ui/commands/verify';
import type { TreeNode } from '../../src/ui/tree/node';
import { addScAccount, children, extensionApi, refresh, scKey, treeItem, useHostEmulator, waitFor } from './helpers';

const reactionOf = (n: TreeNode) => (n as unknown as { reaction?: Reaction }).reaction;

describe('host: removals that come back are marked, verified and removed again', function () {
  this.timeout(120_000);
  const emu = useHostEmulator({ seed: 9 });
  let scId = '';

  before(async function () {
    this.timeout(60_000);
    scId = (await addScAccount(emu())).id;
    await refresh();
  });
  after(() => emu().setGhost(undefined));

  /** Every reaction row of the account, with its tree item. */
  async function rows(): Promise<Array<{ r: Reaction; item: vscode.TreeItem }>> {
    const [account] = await children();
    const out: Array<{ r: Reaction; item: vscode.TreeItem }> = [];
    for (const group of await children(account))
      for (const n of await children(group)) {
        const r = reactionOf(n);
        if (r) out.push({ r, item: await treeItem(n) });
      }
    return out;
  }

  it('the next listing marks exactly the ghosts; Verify reports them; Remove Again clears them', async () => {
    const api = await extensionApi();
    const chosen = api.reactions(scId).slice(0, 9);
    assert.strictEqual(chosen.length, 9);
    emu().setGhost({ stay: 1, comeBack: 1, delayMs: 200, every: 3 });
    const run = await vscode.commands.executeCommand<RemovalSummary>('reactions.removeReaction', {
      reactionIds: chosen.map((r) => r.id),
      confirm: false,
    });
    assert.strictEqual(run.removed.length, 9, 'the server answered every removal with success');
    assert.ok(run.batchId && run.receiptId);
    const ghosts = emu()
      .ghostLog.map((g) => g.target)
      .sort();
    assert.strictEqual(ghosts.length, 2);
    await new Promise((r) => setTimeout(r, 400));

    await refresh();
    await waitFor('the came-back marks', async () =>
      (await rows()).some((x) => /came back/.test(String(x.item.description))),
    );
    const marked = (await rows()).filter((x) => /\bcameBack\b/.test(String(x.item.contextValue)));
    assert.deepStrictEqual(marked.map((x) => scKey(x.r)).sort(), ghosts, 'exactly the ghosts are marked');
    for (const x of marked) {
      assert.match(String(x.item.description), /came back/);
      assert.strictEqual((x.item.iconPath as vscode.ThemeIcon).id, 'history');
    }
    const account = await treeItem((await children())[0]);
    assert.match(
      (account.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '),
      /2 removed reactions came back/,
    );
    assert.match(String(account.contextValue), /\bhasCameBack\b/);

    const report = await vscode.commands.executeCommand<VerifyReport>('reactions.verifyRemovals', {
      batchId: run.batchId,
    });
    const [batch] = report.batches;
    assert.strictEqual(batch.stillRemoved, 7);
    assert.deepStrictEqual(batch.cameBack.map((id) => id.slice(id.indexOf('|') + 1)).sort(), ghosts);

    const receipt = await vscode.commands.executeCommand<{ text: string }>('reactions.openReceipt', {
      receiptId: run.receiptId,
    });
    assert.match(receipt.text, /^## Removed \(9\)$/m);

    const again = await vscode.commands.executeCommand<RemovalSummary>('reactions.removeAgain', {
      accountId: scId,
      confirm: false,
    });
    assert.deepStrictEqual(again.removed.map((id) => id.slice(id.indexOf('|') + 1)).sort(), ghosts);
    for (const g of ghosts) {
      const [type, id] = g.split(':');
      assert.strictEqual(emu().sc.voteOf(type as 'status', id, 'alice'), undefined, `${g} is off the server`);
    }
    await refresh();
    assert.deepStrictEqual(
      (await rows()).filter((x) => /\bcameBack\b/.test(String(x.item.contextValue))),
      [],
      'nothing is marked any more',
    );
  });

  it('after a Clean Up, one automatic re-check (reactions.verifyAfterCleanUp) finds what came back', async () => {
    const api = await extensionApi();
    const config = vscode.workspace.getConfiguration('reactions');
    await config.update('verifyAfterCleanUpMinutes', 0.01, vscode.ConfigurationTarget.Global);
    try {
      emu().setGhost({ comeBack: 1, delayMs: 100, every: 1 });
      const done = await vscode.commands.executeCommand<CleanUpResult>('reactions.cleanUp', {
        accountIds: [scId],
        text: api.reactions(scId)[0].target.excerpt.split(/\s+/).slice(0, 3).join(' '),
        confirm: false,
      });
      assert.ok(done.summary && done.summary.removed.length >= 1);
      const ghost = emu().ghostLog.at(-1)!.target;
      // No listing: the re-check alone reads the removal again, records it and marks what came back.
      await waitFor(
        'the automatic re-check',
        () => fs.readFileSync(api.testing.journalFile(), 'utf8').includes('"by":"auto"'),
        15_000,
      );
      await waitFor('the came-back mark', async () =>
        (await rows()).some((x) => scKey(x.r) === ghost && /\bcameBack\b/.test(String(x.item.contextValue))),
      );
    } finally {
      await config.update('verifyAfterCleanUpMinutes', undefined, vscode.ConfigurationTarget.Global);
      emu().setGhost(undefined);
    }
  });
});
