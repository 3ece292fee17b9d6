/**
 * What the commands do on the server (checked against the emulator's state): remove one, undo,
 * remove several, change, export, copy link — all through plain-object arguments.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Reaction } from '../../src/core/model';
import type { RemovalSummary, UndoSummary } from '../../src/ui/commands/remove';
import { extensionApi, rejects, scKey, scTruth, tinesKey, tinesTruth, useListedAccounts } from './helpers';

describe('host: actions', function () {
  this.timeout(60_000);
  const { emu, ids } = useListedAccounts({ seed: 11 });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-host-export-'));

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function scReactions(): Promise<Reaction[]> {
    return (await extensionApi()).reactions(ids.sc);
  }

  it('removeReaction {reactionIds:[one]} removes it on the server and from the tree; undo puts it back', async () => {
    const api = await extensionApi();
    const r = (await scReactions()).find((x) => x.target.type === 'discussion') ?? (await scReactions())[0];
    assert.ok(scTruth(emu()).has(scKey(r)));
    const summary = await vscode.commands.executeCommand<RemovalSummary>('reactions.removeReaction', {
      reactionIds: [r.id],
    });
    assert.deepStrictEqual(summary.removed, [r.id]);
    assert.ok(!scTruth(emu()).has(scKey(r)), 'gone on the server');
    assert.ok(!api.reactions(ids.sc).some((x) => x.id === r.id), 'gone from the tree');

    const undone = await vscode.commands.executeCommand<UndoSummary>('reactions.undo', { confirm: false });
    assert.deepStrictEqual(undone.restored, [r.id]);
    assert.strictEqual(
      scTruth(emu()).get(scKey(r)),
      r.kind.id === '' ? null : Number(r.kind.id),
      'back with the same reaction',
    );
    assert.ok(
      api.reactions(ids.sc).some((x) => x.id === r.id),
      'back in the tree',
    );
  });

  it('a reaction already gone on the server is reported as such, and nothing is sent', async () => {
    const api = await extensionApi();
    const r = (await scReactions())[1];
    emu().sc.setVote(r.target.type, r.target.id, 'alice', undefined);
    emu().clearLog();
    const summary = await vscode.commands.executeCommand<RemovalSummary>('reactions.removeReaction', {
      reactionId: r.id,
    });
    assert.deepStrictEqual(summary.alreadyRemoved, [r.id]);
    assert.strictEqual(
      emu().requests.filter((q) => q.method === 'POST').length,
      0,
      'no vote POST (it would have ADDED a vote)',
    );
    assert.ok(!api.reactions(ids.sc).some((x) => x.id === r.id));
  });

  it('removes several (confirm: false), reports failures and keeps the failed ones', async () => {
    const api = await extensionApi();
    const some = (await scReactions()).slice(2, 8);
    const failing = some[0];
    const fault = emu().fault({
      server: 'selfcommunity',
      method: 'GET',
      path: `/api/v2/${failing.target.type}/${failing.target.id}/`,
      status: 403,
    });
    const summary = await vscode.commands.executeCommand<RemovalSummary>('reactions.removeReaction', {
      reactionIds: some.map((r) => r.id),
      confirm: false,
    });
    fault.remove();
    assert.strictEqual(summary.requested, some.length);
    assert.deepStrictEqual(
      summary.failed.map((f) => f.id),
      [failing.id],
    );
    assert.strictEqual(summary.removed.length, some.length - 1);
    const truth = scTruth(emu());
    for (const r of some.slice(1)) assert.ok(!truth.has(scKey(r)), `${r.id} removed on the server`);
    assert.ok(truth.has(scKey(failing)), 'the failed one is untouched on the server');
    assert.ok(
      api.reactions(ids.sc).some((x) => x.id === failing.id),
      'and stays in the tree',
    );

    // Undo Last Removal puts back that batch.
    const undone = await vscode.commands.executeCommand<UndoSummary>('reactions.undo', { confirm: false });
    assert.strictEqual(undone.restored.length, some.length - 1);
    const after = scTruth(emu());
    for (const r of some) assert.ok(after.has(scKey(r)), `${r.id} is back`);
  });

  it("removeAll {accountId, groupKey} removes a Tines case's reactions", async () => {
    const api = await extensionApi();
    const caseId = api.reactions(ids.tines)[0].target.parent!.id;
    const inCase = api.reactions(ids.tines).filter((r) => r.target.parent?.id === caseId);
    const summary = await vscode.commands.executeCommand<RemovalSummary>('reactions.removeAll', {
      accountId: ids.tines,
      groupKey: `case:${caseId}`,
      confirm: false,
    });
    assert.strictEqual(summary.removed.length, inCase.length);
    const truth = tinesTruth(emu());
    for (const r of inCase) assert.ok(!truth.has(tinesKey(r)));
    assert.ok(!api.reactions(ids.tines).some((r) => r.target.parent?.id === caseId));
    await vscode.commands.executeCommand('reactions.undo', { confirm: false });
    const back = tinesTruth(emu());
    for (const r of inCase) assert.ok(back.has(tinesKey(r)), 'undo put it back');
  });

  it('changeReaction {reactionId, kindId} changes it on the server (SelfCommunity and Tines)', async () => {
    const api = await extensionApi();
    const sc = (await scReactions()).find((r) => r.kind.id !== '' && r.kind.active !== false)!;
    const kinds = ['1', '2', '3'];
    const to = kinds.find((k) => k !== sc.kind.id)!;
    const updated = await vscode.commands.executeCommand<Reaction>('reactions.changeReaction', {
      reactionId: sc.id,
      kindId: to,
    });
    assert.strictEqual(updated.kind.id, to);
    assert.strictEqual(scTruth(emu()).get(scKey(sc)), Number(to));
    assert.strictEqual(api.reactions(ids.sc).find((r) => r.id === sc.id)?.kind.id, to);

    const t = api
      .reactions(ids.tines)
      .find(
        (r) =>
          r.kind.id !== 'eyes' &&
          !api.reactions(ids.tines).some((o) => o.target.id === r.target.id && o.kind.id === 'eyes'),
      )!;
    const changed = await vscode.commands.executeCommand<Reaction>('reactions.changeReaction', {
      reactionId: t.id,
      kindId: 'Eyes',
    });
    assert.strictEqual(changed.kind.id, 'eyes');
    const truth = tinesTruth(emu());
    assert.ok(truth.has(`${t.target.parent!.id}/${t.target.id}/eyes`));
    assert.ok(!truth.has(tinesKey(t)));
    assert.ok(
      api.reactions(ids.tines).some((r) => r.id === changed.id) && !api.reactions(ids.tines).some((r) => r.id === t.id),
      'the tree shows the new one only',
    );

    const e = await rejects('reactions.changeReaction', { reactionId: changed.id, kindId: 'no-such-kind' });
    assert.match(e.message, /not a reaction this site offers/);
  });

  it('export writes JSON and CSV files with every visible reaction and no token', async () => {
    const api = await extensionApi();
    const jsonFile = path.join(tmp, 'r.json');
    const res = await vscode.commands.executeCommand<{ uri: string; count: number }>('reactions.export', {
      format: 'json',
      uri: vscode.Uri.file(jsonFile).toString(),
    });
    assert.strictEqual(res.count, api.reactions().length);
    const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
    assert.strictEqual(json.reactions.length, api.reactions().length);
    assert.deepStrictEqual(
      new Set(json.reactions.map((r: { reactionId: string }) => r.reactionId)),
      new Set(api.reactions().map((r) => r.id)),
    );

    const csvFile = path.join(tmp, 'r.csv');
    await vscode.commands.executeCommand('reactions.export', { format: 'csv', uri: csvFile });
    const csv = fs.readFileSync(csvFile, 'utf8');
    assert.ok(csv.startsWith('service,account,accountId,'));
    assert.strictEqual(csv.trim().split('\r\n').length, api.reactions().length + 1);

    for (const text of [JSON.stringify(json), csv]) {
      for (const u of emu().users) assert.ok(!text.includes(u.scToken) && !text.includes(u.tinesToken));
    }
    const e = await rejects('reactions.export', { format: 'xml', uri: csvFile });
    assert.match(e.message, /json.*csv/);
  });

  it("copyLink puts the target's web link on the clipboard", async () => {
    const r = (await scReactions())[0];
    const link = await vscode.commands.executeCommand<string>('reactions.copyLink', { reactionId: r.id });
    assert.ok(link.startsWith(emu().selfcommunityUrl), link);
    assert.strictEqual(await vscode.env.clipboard.readText(), link);
    const e = await rejects('reactions.copyLink', { reactionId: 'nope' });
    assert.match(e.message, /Unknown reaction/);
  });
});
