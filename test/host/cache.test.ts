/**
 * The persisted cache, inside the host: after a listing each account's file is in globalStorage and
 * holds no token; a warm start (the same code activation runs, through `testing.reloadFromCache()`)
 * fills the tree without a single request and marks the accounts as cached; a refresh replaces the
 * cached set, a failed one keeps it, Full Rescan drops it and lists from scratch; removals are saved;
 * Remove Account deletes the file.
 */
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CACHE_VERSION } from '../../src/core/cache';
import type { Reaction } from '../../src/core/model';
import { assertNoToken } from '../support';
import {
  EXTENSION_ID,
  children,
  extensionApi,
  refresh,
  scKey,
  scTruth,
  tinesKey,
  tinesTruth,
  treeItem,
  waitFor,
  useListedAccounts,
} from './helpers';

interface CacheFile {
  version: number;
  accountId: string;
  savedAt: string;
  complete: boolean;
  reactions: Reaction[];
}

async function readCache(file: string): Promise<CacheFile> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as CacheFile;
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

const idsOf = (rs: readonly Reaction[]) => rs.map((r) => r.id).sort();

describe('host: cache', function () {
  this.timeout(60_000);
  const { emu, ids } = useListedAccounts({ seed: 11 });

  /** Adds a reaction the server does not have to an account's cache file (a stale entry). */
  async function addStaleEntry(accountId: string): Promise<Reaction> {
    const api = await extensionApi();
    await api.testing.flushCache();
    const file = api.testing.cacheFile(accountId);
    const data = await readCache(file);
    const model = data.reactions[0];
    const target = { ...model.target, id: '987654', excerpt: 'A stale cached reaction' };
    const stale: Reaction = { ...model, id: `${accountId}|${target.type}:${target.id}`, target };
    await fs.writeFile(file, JSON.stringify({ ...data, reactions: [...data.reactions, stale] }));
    return stale;
  }

  async function accountItem(accountId: string): Promise<vscode.TreeItem> {
    const node = (await children()).find((n) => n.getTreeItem().id === `account/${accountId}`);
    assert.ok(node, `no tree node for ${accountId}`);
    return treeItem(node);
  }

  it('after a listing, each account has a cache file in globalStorage with its reactions and no token', async () => {
    const api = await extensionApi();
    await api.testing.flushCache();
    for (const id of [ids.sc, ids.tines]) {
      const file = api.testing.cacheFile(id);
      assert.strictEqual(
        path.basename(path.dirname(file)).toLowerCase(),
        EXTENSION_ID.toLowerCase(),
        `in the extension's globalStorage: ${file}`,
      );
      assert.ok(!path.basename(file).includes('127.0.0.1'), 'the file name does not show the host');
      const data = await readCache(file);
      assert.strictEqual(data.version, CACHE_VERSION);
      assert.strictEqual(data.accountId, id);
      assert.strictEqual(data.complete, true);
      assert.deepStrictEqual(idsOf(data.reactions), idsOf(api.reactions(id)));
      assert.ok(!Number.isNaN(Date.parse(data.savedAt)));
    }
    const dir = path.dirname(api.testing.cacheFile(ids.sc));
    const names = await fs.readdir(dir);
    assert.ok(!names.some((n) => n.endsWith('.tmp')), `no temp files: ${names.join(', ')}`);
    for (const name of names) {
      const full = path.join(dir, name);
      if (!(await fs.stat(full)).isFile()) continue;
      const text = await fs.readFile(full, 'utf8');
      assertNoToken(emu(), text);
    }
  });

  it('a warm start makes zero requests and shows the cached reactions, marked as cached', async () => {
    const api = await extensionApi();
    const before = { sc: idsOf(api.reactions(ids.sc)), tines: idsOf(api.reactions(ids.tines)) };
    await api.testing.flushCache();
    emu().clearLog();
    const restored = await api.testing.reloadFromCache();
    api.testing.tree.flush();
    assert.strictEqual(restored, before.sc.length + before.tines.length);
    assert.deepStrictEqual(idsOf(api.reactions(ids.sc)), before.sc);
    assert.deepStrictEqual(idsOf(api.reactions(ids.tines)), before.tines);
    for (const id of [ids.sc, ids.tines]) {
      const state = api.testing.loadState(id);
      assert.strictEqual(state.status, 'idle');
      assert.ok(state.cachedAt, 'the state says when the cache was saved');
      const item = await accountItem(id);
      assert.match(String(item.description), /^\d+ · cached (just now|\d+ min ago)$/);
      assert.strictEqual(String(item.description).split(' ')[0], String(api.reactions(id).length));
      assert.match(String(item.contextValue), /^account\b.*\bcached\b/);
      const groups = await children((await children()).find((n) => n.getTreeItem().id === `account/${id}`));
      assert.ok(groups.length > 0 && groups.every((g) => g.kind === 'group'), 'the cached groups are shown');
    }
    // The tree's truth is still the server's.
    assert.deepStrictEqual(api.reactions(ids.sc).map(scKey).sort(), [...scTruth(emu()).keys()].sort());
    assert.deepStrictEqual(api.reactions(ids.tines).map(tinesKey).sort(), [...tinesTruth(emu())].sort());
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(
      emu().requests.map((r) => `${r.server} ${r.method} ${r.path}`),
      [],
      'no request during the warm start',
    );
    assert.strictEqual(emu().otherOrigin.requests.length, 0);
  });

  it('Refresh after a complete listing is incremental: it sees changes made elsewhere with far fewer requests', async () => {
    const api = await extensionApi();
    emu().clearLog();
    await vscode.commands.executeCommand('reactions.fullRescan');
    const fullCount = emu().requests.length;
    assert.ok(fullCount > 0);

    // Elsewhere: one SelfCommunity vote removed, one Tines reaction removed.
    const sc = api.reactions(ids.sc).find((r) => r.target.type === 'status')!;
    emu().sc.setVote('status', sc.target.id, 'alice', undefined);
    const t = api.reactions(ids.tines)[0];
    emu().tines.removeReaction(t.target.parent!.id, t.target.id, 'alice', t.kind.id as 'heart');

    emu().clearLog();
    await refresh();
    const refreshCount = emu().requests.length;
    assert.ok(refreshCount < fullCount / 4, `refresh: ${refreshCount} requests, full rescan: ${fullCount}`);
    assert.ok(
      emu().requests.some((r) => r.query['filters[updated_at_start_date]']),
      'Tines asked only for updated cases',
    );
    assert.deepStrictEqual(api.reactions(ids.sc).map(scKey).sort(), [...scTruth(emu()).keys()].sort());
    assert.deepStrictEqual(api.reactions(ids.tines).map(tinesKey).sort(), [...tinesTruth(emu())].sort());
  });

  it('a refresh replaces the cached set when it finishes; a failed one keeps it', async () => {
    const api = await extensionApi();
    const stale = await addStaleEntry(ids.sc);
    await api.testing.reloadFromCache();
    assert.ok(
      api.reactions(ids.sc).some((r) => r.id === stale.id),
      'the stale entry comes from the cache',
    );

    // A failed listing keeps the cached set (stale entry included) and says so.
    const fault = emu().fault({ server: 'selfcommunity', method: 'GET', path: /./, status: 403 });
    await refresh(ids.sc);
    fault.remove();
    assert.strictEqual(api.testing.loadState(ids.sc).status, 'error');
    assert.ok(
      api.reactions(ids.sc).some((r) => r.id === stale.id),
      'an abandoned listing keeps the cached set',
    );
    assert.ok(api.testing.loadState(ids.sc).cachedAt, 'still shown from the cache');
    assert.match(String((await accountItem(ids.sc)).description), /error/);

    // A listing that finishes replaces it.
    await refresh(ids.sc);
    assert.strictEqual(api.testing.loadState(ids.sc).status, 'loaded');
    assert.strictEqual(api.testing.loadState(ids.sc).cachedAt, undefined);
    assert.ok(!api.reactions(ids.sc).some((r) => r.id === stale.id), 'gone upstream: dropped');
    assert.deepStrictEqual(api.reactions(ids.sc).map(scKey).sort(), [...scTruth(emu()).keys()].sort());
    assert.doesNotMatch(String((await accountItem(ids.sc)).description), /cached/);
    await api.testing.flushCache();
    const saved = await readCache(api.testing.cacheFile(ids.sc));
    assert.ok(!saved.reactions.some((r) => r.id === stale.id), 'and the file follows');
    assert.strictEqual(saved.complete, true);
  });

  it('Full Rescan drops the cached set and lists from scratch', async () => {
    const api = await extensionApi();
    const stale = await addStaleEntry(ids.tines);
    await api.testing.reloadFromCache();
    assert.ok(api.reactions(ids.tines).some((r) => r.id === stale.id));
    emu().clearLog();
    await vscode.commands.executeCommand('reactions.fullRescan', { accountId: ids.tines });
    await api.testing.whenIdle();
    assert.ok(emu().requests.length > 0, 'it listed');
    assert.ok(
      emu().requests.every((r) => r.server === 'tines'),
      'only the account asked for',
    );
    assert.strictEqual(api.testing.loadState(ids.tines).status, 'loaded');
    assert.strictEqual(api.testing.loadState(ids.tines).cachedAt, undefined);
    assert.ok(!api.reactions(ids.tines).some((r) => r.id === stale.id));
    assert.deepStrictEqual(api.reactions(ids.tines).map(tinesKey).sort(), [...tinesTruth(emu())].sort());
    assert.ok(api.testing.loadState(ids.sc).cachedAt, 'the other account still shows its cache');
    await api.testing.flushCache();
    const saved = await readCache(api.testing.cacheFile(ids.tines));
    assert.strictEqual(saved.complete, true);
    assert.deepStrictEqual(idsOf(saved.reactions), idsOf(api.reactions(ids.tines)));

    // No argument: every account.
    await vscode.commands.executeCommand('reactions.fullRescan');
    await api.testing.whenIdle();
    assert.strictEqual(api.testing.loadState(ids.sc).cachedAt, undefined);
    assert.deepStrictEqual(api.reactions(ids.sc).map(scKey).sort(), [...scTruth(emu()).keys()].sort());
  });

  it('a removal is saved (debounced) without any flush', async () => {
    const api = await extensionApi();
    const file = api.testing.cacheFile(ids.tines);
    const r = api.reactions(ids.tines)[0];
    await vscode.commands.executeCommand('reactions.removeReaction', { reactionId: r.id });
    assert.ok(!api.reactions(ids.tines).some((x) => x.id === r.id));
    await waitFor(
      'the cache file to drop the removed reaction',
      async () => !(await readCache(file)).reactions.some((x) => x.id === r.id),
      10_000,
    );
    assert.deepStrictEqual(idsOf((await readCache(file)).reactions), idsOf(api.reactions(ids.tines)));
  });

  it('Remove Account deletes its cache file', async () => {
    const api = await extensionApi();
    const file = api.testing.cacheFile(ids.tines);
    await api.testing.flushCache();
    assert.ok(await exists(file));
    await vscode.commands.executeCommand('reactions.removeAccount', { accountId: ids.tines, confirm: false });
    await api.testing.flushCache();
    assert.ok(!(await exists(file)), 'the file is gone');
    assert.ok(await exists(api.testing.cacheFile(ids.sc)), 'the other account keeps its file');
  });
});
