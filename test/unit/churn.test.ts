/**
 * A community that changes while it is listed (the emulator's churn mode: per contribution list request,
 * deletions anywhere and insertions at the head). Full Rescan and Refresh must list every reaction that
 * existed from the start of the pass to its end, and nothing deleted before it started.
 */
import * as assert from 'assert';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { AccountService, ReactionDelta } from '../../src/core/services/service';
import type { Reaction } from '../../src/core/model';
import type { Emulator } from '../emulator';
import { collect, fastOptions, useEmulator } from '../support';

const SIZE = { statuses: 1500, discussions: 900, posts: 600, commentsPerItem: 0.6 };

const keyOf = (r: Reaction) => `${r.target.type}:${r.target.id}`;

function votes(emu: Emulator): Set<string> {
  return new Set(
    emu.sc
      .votesOf('alice')
      .filter((v) => v.type !== 'comment')
      .map((v) => `${v.type}:${v.id}`),
  );
}

/** Deletes `n` contributions alice voted on (before a pass: they must not be listed). */
function deleteVoted(emu: Emulator, n: number): string[] {
  const voted = emu.sc.votesOf('alice').filter((v) => v.type !== 'comment');
  const gone = voted.filter((_, i) => i % Math.floor(voted.length / n) === 0).slice(0, n);
  for (const v of gone) emu.sc.delete(v.type, v.id);
  return gone.map((v) => `${v.type}:${v.id}`);
}

/** The acceptance check: every reaction that existed throughout is found; nothing deleted before. */
function check(found: Set<string>, start: Set<string>, end: Set<string>, deletedBefore: string[], what: string) {
  const throughout = [...start].filter((k) => end.has(k));
  const missing = throughout.filter((k) => !found.has(k));
  const stale = deletedBefore.filter((k) => found.has(k));
  const contributions = [...found].filter((k) => !k.startsWith('comment:'));
  // what this pass found against the server's truth (printed for the before/after table)
  console.log(
    `      ${what}: found ${throughout.length - missing.length} / ${throughout.length} (${contributions.length} listed)`,
  );
  assert.deepStrictEqual(missing, [], `${what}: reactions that existed throughout but were not listed`);
  assert.deepStrictEqual(stale, [], `${what}: reactions deleted before the pass but listed`);
  const invented = contributions.filter((k) => !start.has(k) && !end.has(k));
  assert.ok(invented.length <= 3 * 40, `${what}: ${invented.length} listed that never existed as voted`);
}

describe('completeness under change: SelfCommunity at 3,000 contributions', function () {
  this.timeout(120_000);
  const emu = useEmulator({ seed: 41, sc: SIZE });
  let service: AccountService;

  before(async () => {
    const a = emu().users.find((u) => u.name === 'alice')!;
    const options = fastOptions();
    const account = await selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: a.scToken }, options);
    service = selfCommunity.connect(account, () => a.scToken, options);
  });
  afterEach(() => emu().setChurn(undefined));

  it('Full Rescan lists every reaction that existed from start to end while items are deleted and added', async () => {
    const deletedBefore = deleteVoted(emu(), 10);
    const start = votes(emu());
    const churnedBefore = emu().churnLog.deleted.length;
    emu().setChurn({ seed: 5, deletes: 3, inserts: 1 });
    const { items } = await collect(service.listReactions());
    emu().setChurn(undefined);
    const deleted = emu().churnLog.deleted.length - churnedBefore;
    assert.ok(deleted >= 90, `the community changed during the listing (${deleted} deleted)`);
    check(new Set(items.map(keyOf)), start, votes(emu()), deletedBefore, 'Full Rescan under churn');
  });

  it('Refresh after a clean listing keeps every reaction that still exists and drops only what is gone', async () => {
    const { items: clean } = await collect(service.listReactions());
    const checkpoint = service.checkpoint!;
    assert.ok(checkpoint, 'a complete listing leaves a checkpoint');
    const deletedBefore = deleteVoted(emu(), 10);
    const start = votes(emu());
    emu().setChurn({ seed: 9, deletes: 3, inserts: 1 });
    const known = new Map(clean.map((r) => [r.id, r]));
    for await (const d of service.refreshReactions(clean, checkpoint) as AsyncIterable<ReactionDelta>) {
      for (const r of d.upsert) known.set(r.id, r);
      for (const id of d.remove) known.delete(id);
    }
    emu().setChurn(undefined);
    check(new Set([...known.values()].map(keyOf)), start, votes(emu()), deletedBefore, 'Refresh under churn');
  });
});
