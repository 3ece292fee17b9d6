/**
 * Full Rescan in the real extension host replaces the list only when it completes: while it runs the tree
 * still shows every reaction listed before (the rescan's progress on the account row); a cancelled or failed
 * rescan keeps them, and the account says it was not refreshed and why. Remove All works on the kept list.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/ui/tree/node';
import type { RemovalSummary } from '../../src/ui/commands/remove';
import {
  addScAccount,
  children,
  extensionApi,
  refresh,
  removeAllAccounts,
  treeItem,
  useHostEmulator,
  waitFor,
} from './helpers';

/** The reaction ids the tree shows under an account (every group's reactions, whatever page is open). */
async function idsInTree(accountId: string): Promise<Set<string>> {
  const api = await extensionApi();
  api.testing.tree.flush();
  const account = (await children()).find((n) => n.getTreeItem().id === `account/${accountId}`);
  assert.ok(account, 'no account row');
  const ids = new Set<string>();
  const walk = async (node: TreeNode): Promise<void> => {
    if (node.kind === 'group')
      for (const r of (node as unknown as { reactions: { id: string }[] }).reactions) ids.add(r.id);
    if (node.kind === 'reaction') ids.add((node as unknown as { reaction: { id: string } }).reaction.id);
    for (const child of await children(node)) await walk(child);
  };
  await walk(account);
  return ids;
}

async function accountRow(accountId: string): Promise<vscode.TreeItem> {
  const api = await extensionApi();
  api.testing.tree.flush();
  const node = (await children()).find((n) => n.getTreeItem().id === `account/${accountId}`);
  assert.ok(node, 'no account row');
  return treeItem(node);
}

function tooltipText(item: vscode.TreeItem): string {
  return (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
}

describe('host: a Full Rescan never hides what was listed', function () {
  this.timeout(180_000);
  const emu = useHostEmulator({ seed: 24, sc: { statuses: 300, discussions: 150, posts: 100, commentsPerItem: 1 } });

  async function listedThenRescanning(): Promise<{ id: string; before: Set<string> }> {
    const api = await extensionApi();
    emu().setLatency(0);
    const id = (await addScAccount(emu())).id;
    await refresh(id);
    const before = await idsInTree(id);
    assert.ok(before.size > 100, `only ${before.size} reactions listed`);
    emu().setLatency(120);
    void vscode.commands.executeCommand('reactions.fullRescan', { accountId: id });
    await waitFor(
      'the rescan to be under way',
      () => (api.testing.loadState(id).progress?.requestsDone ?? 0) >= 10,
      60_000,
    );
    return { id, before };
  }

  afterEach(() => {
    emu().setLatency(0);
    emu().clearFaults();
  });

  it('a failed rescan keeps the list too, and says why', async () => {
    const api = await extensionApi();
    const { id, before } = await listedThenRescanning();
    emu().fault({ server: 'selfcommunity', method: 'GET', path: /./, status: 403 });
    await api.testing.whenIdle();
    const after = await idsInTree(id);
    assert.deepStrictEqual(
      [...before].filter((x) => !after.has(x)),
      [],
      'hidden after the failure',
    );
    assert.ok(api.testing.loadState(id).notRefreshed, 'the account says it was not refreshed');
    assert.match(String((await accountRow(id)).description), /not refreshed: /);
  });
  it('Cancel midway: every reaction listed before stays in the tree, and the account shows "not refreshed: cancelled"', async () => {
    const api = await extensionApi();
    await removeAllAccounts();
    const { id, before } = await listedThenRescanning();
    const during = await idsInTree(id);
    assert.deepStrictEqual(
      [...before].filter((x) => !during.has(x)),
      [],
      'hidden while the rescan runs',
    );
    assert.match(String((await accountRow(id)).description), /found · \d+%/, 'the rescan progress is on the row');

    assert.strictEqual(await vscode.commands.executeCommand('reactions.cancelListing', { accountId: id }), 1);
    await api.testing.whenIdle();
    assert.ok(api.testing.loadState(id).progress === undefined);
    const after = await idsInTree(id);
    assert.deepStrictEqual(
      [...before].filter((x) => !after.has(x)),
      [],
      'hidden after the cancel',
    );
    assert.strictEqual(api.testing.loadState(id).notRefreshed, 'cancelled');
    const row = await accountRow(id);
    assert.match(String(row.description), new RegExp(`^${before.size} · not refreshed: cancelled$`));
    assert.match(tooltipText(row), /Not refreshed: the Full Rescan stopped at .* \(cancelled\)/);
    assert.match(String(row.contextValue), /\bnotRefreshed\b/);

    // Remove All works on the kept list: every one of them, nothing more.
    emu().setLatency(0);
    const summary = await vscode.commands.executeCommand<RemovalSummary>('reactions.removeAll', {
      accountId: id,
      confirm: false,
    });
    assert.strictEqual(summary.requested, before.size);
    assert.strictEqual(summary.failed.length, 0);
    assert.strictEqual(emu().sc.votesOf('alice').length, 0, 'the server has none left');
  });
});
