/**
 * The tree the view shows: account → group → reaction, counts equal to the emulator's ground truth,
 * stable ids, spoken labels, lazy tooltips, and the filter narrowing it.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ReactionFilter } from '../../src/core/store';
import { EXPAND_UP_TO, GroupNode, ROWS_PER_PAGE } from '../../src/ui/tree/groupNode';
import type { TreeNode } from '../../src/ui/tree/node';
import {
  children,
  extensionApi,
  refresh,
  scKey,
  scTruth,
  tinesKey,
  tinesTruth,
  treeItem,
  useListedAccounts,
} from './helpers';

async function leaves(node: TreeNode): Promise<TreeNode[]> {
  const out: TreeNode[] = [];
  for (const group of await children(node)) out.push(...(await children(group)));
  return out;
}

describe('host: tree', function () {
  this.timeout(60_000);
  const { emu, ids } = useListedAccounts({ seed: 5 });

  it('shows one node per account, with the count in the description', async () => {
    const api = await extensionApi();
    const roots = await children();
    assert.deepStrictEqual(
      roots.map((n) => n.kind),
      ['account', 'account'],
    );
    const items = await Promise.all(roots.map(treeItem));
    assert.deepStrictEqual(items.map((i) => i.id).sort(), [`account/${ids.sc}`, `account/${ids.tines}`].sort());
    const sc = items.find((i) => i.id === `account/${ids.sc}`)!;
    assert.strictEqual(sc.description, String(api.reactions(ids.sc).length));
    assert.match(String(sc.contextValue), /^account\b.*\bhasReactions\b/);
    assert.strictEqual(sc.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
  });

  it("SelfCommunity: groups by type, and the reactions equal the emulator's votes", async () => {
    const roots = await children();
    const account = roots.find((n) => n.getTreeItem().id === `account/${ids.sc}`)!;
    const groups = await children(account);
    const labels = (await Promise.all(groups.map(treeItem))).map((i) => i.label);
    const order = ['Statuses', 'Discussions', 'Posts', 'Comments'];
    assert.deepStrictEqual(
      labels,
      order.filter((l) => labels.includes(l)),
      'fixed group order',
    );
    const truth = scTruth(emu());
    for (const type of ['status', 'discussion', 'post', 'comment']) {
      const expected = [...truth.keys()].filter((k) => k.startsWith(`${type}:`)).length;
      const group = groups.find((g) => g.getTreeItem().id === `group/${ids.sc}/${type}`);
      if (!expected) {
        assert.strictEqual(group, undefined, `no ${type} group without votes`);
        continue;
      }
      assert.ok(group, `a ${type} group`);
      assert.strictEqual(
        (await children(group)).length,
        expected,
        `${type}: reactions in the tree = votes on the server`,
      );
      assert.strictEqual(group.getTreeItem().description, String(expected));
    }
    const shown = (await leaves(account)).map((n) =>
      scKey((n as unknown as { reaction: Parameters<typeof scKey>[0] }).reaction),
    );
    assert.deepStrictEqual(shown.sort(), [...truth.keys()].sort());
  });

  it("Tines: one group per case, and the reactions equal the emulator's", async () => {
    const roots = await children();
    const account = roots.find((n) => n.getTreeItem().id === `account/${ids.tines}`)!;
    const groups = await children(account);
    const truth = tinesTruth(emu());
    const cases = new Set([...truth].map((k) => k.split('/')[0]));
    assert.strictEqual(groups.length, cases.size, 'one node per case with reactions');
    for (const g of groups)
      assert.match(
        String(g.getTreeItem().id),
        new RegExp(`^group/${ids.tines.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/case:\\d+$`),
      );
    const shown = (await leaves(account)).map((n) =>
      tinesKey((n as unknown as { reaction: Parameters<typeof tinesKey>[0] }).reaction),
    );
    assert.deepStrictEqual(shown.sort(), [...truth].sort());
  });

  it('every row has a short date as its description, the full date in its tooltip', async () => {
    const api = await extensionApi();
    const rows: TreeNode[] = [];
    for (const account of await children()) rows.push(...(await leaves(account)));
    assert.ok(rows.length > 20, `${rows.length} rows`);
    const short = /^(now|\d+ min|\d+ h|\d+ d|[A-Z][a-z]{2} \d{4})( · |$)/;
    for (const row of rows) {
      const item = await treeItem(row);
      assert.match(String(item.description), short, `the row "${String(item.label)}" shows when`);
    }
    const dated = rows.find((n) => / \d{4}/.test(String(n.getTreeItem().description)))!;
    assert.ok(dated, 'some row is older than a month ("Mar 2024")');
    const resolved = await api.testing.tree.resolveTreeItem!(
      dated.getTreeItem(),
      dated,
      new vscode.CancellationTokenSource().token,
    );
    const tooltip = ((resolved ?? dated.getTreeItem()).tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /\*(Posted|Reacted):\* .*\d{4}.*\d{1,2}:\d{2}/, 'the full date and time in the tooltip');
  });

  it('reaction items: kind-first plain label, date description, spoken label, lazy tooltip, stable ids', async () => {
    const api = await extensionApi();
    const roots = await children();
    const account = roots.find((n) => n.getTreeItem().id === `account/${ids.sc}`)!;
    const [first] = await leaves(account);
    const item = await treeItem(first);
    const reaction = (
      first as unknown as { reaction: { id: string; target: { excerpt: string }; kind: { label: string } } }
    ).reaction;
    assert.ok(String(item.label).includes(`${reaction.kind.label} · `), 'the kind starts the label: never cut off');
    assert.ok(!/[`*]{1,2}\w/.test(String(item.label)), `no markdown in the label: ${String(item.label)}`);
    assert.strictEqual(item.id, `reaction/${reaction.id}`);
    assert.match(String(item.contextValue), /^reaction\b/);
    assert.match(
      item.accessibilityInformation!.label,
      new RegExp(`^${reaction.kind.label} reaction on (status|discussion|post|comment): `),
    );
    assert.strictEqual(item.tooltip, undefined, 'the tooltip is resolved lazily');
    const resolved = await api.testing.tree.resolveTreeItem!(item, first, new vscode.CancellationTokenSource().token);
    const tooltip = (resolved ?? item).tooltip as vscode.MarkdownString;
    assert.ok(tooltip instanceof vscode.MarkdownString);
    assert.ok(tooltip.value.includes('SelfCommunity'), 'the tooltip names the service');

    // A refresh keeps every id (so VS Code keeps expansion and selection).
    const before = (await leaves(account)).map((n) => n.getTreeItem().id).sort();
    await refresh(ids.sc);
    const again = (await children()).find((n) => n.getTreeItem().id === `account/${ids.sc}`)!;
    assert.deepStrictEqual((await leaves(again)).map((n) => n.getTreeItem().id).sort(), before);
  });

  it('the filter narrows the tree (text, kind, service) and Clear Filter restores it', async () => {
    const api = await extensionApi();
    const total = api.reactions().length;
    const f = await vscode.commands.executeCommand<ReactionFilter>('reactions.filter', { services: ['tines'] });
    assert.deepStrictEqual(f, { services: ['tines'] });
    let roots = await children();
    const scNode = roots.find((n) => n.getTreeItem().id === `account/${ids.sc}`)!;
    assert.strictEqual(
      (await children(scNode)).filter((n) => n.kind === 'group').length,
      0,
      'SelfCommunity filtered out',
    );
    assert.strictEqual(scNode.getTreeItem().description, `0 of ${api.reactions(ids.sc).length}`);

    const heart = api.reactions(ids.tines).filter((r) => r.kind.id === 'heart').length;
    await vscode.commands.executeCommand<ReactionFilter>('reactions.filter', { kinds: ['Heart'] });
    roots = await children();
    const tinesNode = roots.find((n) => n.getTreeItem().id === `account/${ids.tines}`)!;
    assert.strictEqual((await leaves(tinesNode)).length, heart);
    for (const group of await children(tinesNode)) {
      const item = await treeItem(group);
      // a new id, so VS Code opens the group even if the user had closed it: no hidden match
      assert.match(String(item.id), /\/filtered$/);
      assert.strictEqual(item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded, 'a match is not hidden');
    }

    const word =
      api
        .reactions(ids.sc)[0]
        .target.excerpt.split(' ')
        .find((w) => w.length > 4) ?? api.reactions(ids.sc)[0].target.excerpt;
    await vscode.commands.executeCommand('reactions.filter', { text: word });
    const matching = api
      .reactions()
      .filter((r) =>
        [r.target.excerpt, r.target.author, r.target.parent?.title, r.kind.label]
          .join('\n')
          .toLowerCase()
          .includes(word.toLowerCase()),
      );
    roots = await children();
    let shown = 0;
    for (const a of roots) shown += (await leaves(a)).filter((n) => n.kind === 'reaction').length;
    assert.strictEqual(shown, matching.length);
    assert.ok(shown < total);

    await vscode.commands.executeCommand('reactions.filter', { text: 'no-such-words-anywhere-xyz' });
    assert.deepStrictEqual(await children(), [], 'nothing matches: the welcome content explains it');

    const cleared = await vscode.commands.executeCommand<ReactionFilter>('reactions.clearFilter');
    assert.deepStrictEqual(cleared, {});
    roots = await children();
    shown = 0;
    for (const a of roots) shown += (await leaves(a)).length;
    assert.strictEqual(shown, total);
  });

  it('a failed listing shows an error node with Retry under the account, keeping what was found', async () => {
    const api = await extensionApi();
    const before = api.reactions(ids.tines).length;
    const fault = emu().fault({ server: 'tines', path: '/api/v2/cases', status: 403 });
    await refresh(ids.tines);
    fault.remove();
    assert.strictEqual(api.testing.loadState(ids.tines).status, 'error');
    assert.strictEqual(api.reactions(ids.tines).length, before, 'nothing dropped');
    const account = (await children()).find((n) => n.getTreeItem().id === `account/${ids.tines}`)!;
    const [error, ...groups] = await children(account);
    const item = await treeItem(error);
    assert.strictEqual(item.contextValue, 'error');
    assert.strictEqual(item.command?.command, 'reactions.refresh');
    assert.match(String(item.description), /403|denied/i);
    assert.ok(groups.length > 0, 'the groups found before are still shown');
    assert.match(String(account.getTreeItem().description), /error/);
    // Retry = the node's own command.
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    await api.testing.whenIdle();
    assert.strictEqual(api.testing.loadState(ids.tines).status, 'loaded');
    assert.ok(!(await children(account)).some((n) => n.kind === 'error'), 'the error node is gone');
  });

  it('a group of more than 200 reactions starts collapsed (its rows are built only when opened); smaller ones open', async () => {
    const account = (await children()).find((n) => n.getTreeItem().id === `account/${ids.sc}`)!;
    const [group] = (await children(account)) as GroupNode[];
    const one = group.reactions[0];
    const sized = (n: number) =>
      new GroupNode(ids.sc, { ...group.group, reactions: Array.from({ length: n }, () => one) }, account, {
        store: { isFiltered: false },
      } as never);
    assert.strictEqual(sized(EXPAND_UP_TO).getTreeItem().collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    const big = sized(EXPAND_UP_TO + 1).getTreeItem();
    assert.strictEqual(big.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.strictEqual(big.description, String(EXPAND_UP_TO + 1), 'the count still shows on the closed group');
  });
});

describe('host: a long group shows its rows a page at a time', function () {
  this.timeout(60_000);
  // 500 statuses, every one reacted to: one group of 500
  const { ids } = useListedAccounts({
    seed: 11,
    sc: { statuses: 500, discussions: 0, posts: 0, commentsPerItem: 0, voteRate: 1 },
    tines: { cases: 1 },
  });

  it('shows 200 rows and "Show 200 more…"; choosing it shows the next 200, then the last 100 with no more row', async () => {
    const statuses = async () => {
      const account = (await children()).find((n) => n.getTreeItem().id === `account/${ids.sc}`)!;
      const group = ((await children(account)) as GroupNode[]).find((g) => g.group.key === 'status')!;
      return { group, rows: await children(group) };
    };
    let { group, rows } = await statuses();
    assert.strictEqual(group.reactions.length, 500, 'the group has every status');
    assert.strictEqual(rows.length, ROWS_PER_PAGE + 1);
    assert.deepStrictEqual(
      rows.slice(0, ROWS_PER_PAGE).map((r) => r.kind),
      Array(ROWS_PER_PAGE).fill('reaction'),
    );
    const more = await treeItem(rows[ROWS_PER_PAGE]);
    assert.strictEqual(more.label, 'Show 200 more…');
    assert.strictEqual(more.description, '200 of 500 shown');
    assert.ok(more.command, 'the row is its own command (Enter or a click)');

    await vscode.commands.executeCommand(more.command.command, ...(more.command.arguments ?? []));
    ({ group, rows } = await statuses());
    assert.strictEqual(rows.length, 2 * ROWS_PER_PAGE + 1);
    assert.strictEqual((await treeItem(rows[2 * ROWS_PER_PAGE])).label, 'Show 100 more…');
    assert.deepStrictEqual(
      rows.slice(0, 2 * ROWS_PER_PAGE).map((r) => (r as { reaction?: { id: string } }).reaction?.id),
      group.reactions.slice(0, 2 * ROWS_PER_PAGE).map((r) => r.id),
      'the rows are the group in order, none skipped or repeated',
    );

    const last = await treeItem(rows[2 * ROWS_PER_PAGE]);
    await vscode.commands.executeCommand(last.command!.command, ...(last.command!.arguments ?? []));
    ({ rows } = await statuses());
    assert.strictEqual(rows.length, 500, 'all rows, no more row');
    assert.ok(rows.every((r) => r.kind === 'reaction'));
  });
});
