/**
 * A long listing in the real extension host: the account row says how far it is ("N found · P% · …"),
 * offers Cancel while it lists, and Cancel stops every request at once (the emulator's log), keeps what
 * was found and marks the account "partial — cancelled" until the next listing.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/ui/tree/node';
import { addScAccount, children, extensionApi, refresh, sleep, treeItem, useHostEmulator, waitFor } from './helpers';

/** The tooltip's text as a person reads it (appendText escapes spaces and punctuation). */
function tooltipText(item: vscode.TreeItem): string {
  return (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
}

async function accountRow(accountId: string): Promise<vscode.TreeItem> {
  const api = await extensionApi();
  api.testing.tree.flush();
  const node = (await children()).find((n: TreeNode) => n.getTreeItem().id === `account/${accountId}`);
  assert.ok(node, 'no account row');
  return treeItem(node);
}

describe('host: listing progress and Cancel', function () {
  this.timeout(120_000);
  // ~1,000 contributions with comments at 150 ms a request: a listing of several hundred requests.
  const emu = useHostEmulator({
    seed: 21,
    latencyMs: 150,
    sc: { statuses: 500, discussions: 300, posts: 200, commentsPerItem: 1 },
  });

  it('shows progress on the row, and Cancel stops the requests, keeps the reactions, marks it partial', async () => {
    const api = await extensionApi();
    const account = await addScAccount(emu()); // adding an account starts its listing
    const id = account.id;
    await waitFor(
      'the listing to be under way with reactions found',
      () => (api.testing.loadState(id).progress?.requestsDone ?? 0) >= 15 && api.reactions(id).length > 0,
      60_000,
    );
    const during = await accountRow(id);
    assert.match(String(during.description), /^[\d,.]+ found · \d+% · (estimating…|~\d+ (s|min) left)$/);
    assert.match(String(during.contextValue), /^account\b.*\blisting\b/);
    const tooltip = tooltipText(during);
    assert.match(tooltip, /Statuses: [\d,.]+ of 500 read/);
    assert.match(tooltip, /Comments and replies: [\d,.]+ of [\d,.]+ read/);

    const foundBefore = api.reactions(id).map((r) => r.id);
    const percentAtCancel = api.testing.loadState(id).progress?.percent;
    const stopped = await vscode.commands.executeCommand<number>('reactions.cancelListing', { accountId: id });
    assert.strictEqual(stopped, 1);
    const sentAtCancel = emu().requests.length;
    await api.testing.whenIdle();
    // Requests already written to their sockets when Cancel ran may still be read by the emulator a
    // moment later (on a busy machine): at most the 8 that were in flight. After that, nothing more.
    await sleep(500);
    const settled = emu().requests.length;
    assert.ok(settled - sentAtCancel <= 8, `${settled - sentAtCancel} requests after Cancel: more than were in flight`);
    // Longer than several request latencies: a request still queued would have arrived by now.
    await sleep(1500);
    const after = emu().requests.slice(settled);
    assert.deepStrictEqual(
      after.map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query)}`),
      [],
      'requests reached the emulator after Cancel',
    );

    const kept = new Set(api.reactions(id).map((r) => r.id));
    assert.ok(
      foundBefore.every((r) => kept.has(r)),
      'a reaction found before Cancel is gone',
    );
    assert.ok(kept.size < emu().sc.votesOf('alice').length, 'the listing had not finished (the test proves nothing)');
    const state = api.testing.loadState(id);
    assert.strictEqual(state.partial, 'cancelled');
    assert.strictEqual(state.status, 'loaded');
    assert.ok(percentAtCancel !== undefined && percentAtCancel < 100);
    const row = await accountRow(id);
    assert.strictEqual(row.description, `${kept.size} · partial — cancelled`);
    assert.match(String(row.contextValue), /\bpartial\b/);
    assert.doesNotMatch(String(row.contextValue), /\blisting\b/);
    assert.match(tooltipText(row), /Partial: you cancelled the listing/);
  });

  it('the next listing clears "partial" and finds everything', async () => {
    const api = await extensionApi();
    emu().setLatency(0);
    const id = api.accounts()[0].id;
    await refresh(id);
    const state = api.testing.loadState(id);
    assert.strictEqual(state.partial, undefined);
    assert.strictEqual(api.reactions(id).length, emu().sc.votesOf('alice').length);
    const row = await accountRow(id);
    assert.strictEqual(row.description, String(api.reactions(id).length));
  });
});
