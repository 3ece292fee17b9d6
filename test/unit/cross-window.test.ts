/**
 * Acceptance: two extension hosts (here two Node processes running the core removal code, the issue's
 * fallback when two code-server windows are too heavy) remove the same 200 SelfCommunity reactions at
 * the same moment, with one global storage: every target gets exactly one applied vote POST (a second
 * would toggle the vote back on), and both end with the same list.
 */
import * as assert from 'assert';
import { fork, type ChildProcess } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { requestsTo, truthKeys, useEmulator } from '../support';

const CHILD = join(__dirname, '..', 'support', 'removerChild.ts');

interface Done {
  removed: number;
  alreadyRemoved: number;
  failed: string[];
  after: string[];
  targets: string[];
}

function window(): ChildProcess {
  return fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function next<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: Record<string, unknown>) => {
      if (m.error) reject(new Error(String(m.error)));
      else if (key in m) {
        child.off('message', on);
        resolve(m[key] as T);
      }
    };
    child.on('message', on);
    child.once('exit', (code) => reject(new Error(`window exited (${code})`)));
  });
}

describe('Two windows remove the same reactions at once', function () {
  this.timeout(120_000);
  const emu = useEmulator({
    seed: 5,
    latencyMs: 2,
    sc: { statuses: 160, discussions: 30, posts: 30, commentsPerItem: 0.5, voteRate: 0.8 },
  });
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'reactions-global-storage-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every one of 200 targets gets exactly one vote POST, and both windows end with the same list', async () => {
    const alice = emu().users[0];
    const windows = [window(), window()];
    try {
      const job = {
        baseUrl: emu().selfcommunityUrl,
        token: alice.scToken,
        writeLockDir: join(dir, 'write-locks'),
        count: 200,
      };
      const ready = windows.map((w) => next(w, 'ready'));
      for (const w of windows) w.send({ job });
      await Promise.all(ready);
      emu().clearLog();
      const done = windows.map((w) => next<Done>(w, 'done'));
      for (const w of windows) w.send({ go: true });
      const [a, b] = await Promise.all(done);

      assert.deepStrictEqual(a.targets, b.targets);
      assert.strictEqual(a.targets.length, 200);
      const posts = new Map<string, number>();
      for (const r of requestsTo(emu(), 'POST', /\/vote\/$/)) {
        const m = /\/(status|discussion|post|comment)\/(\d+)\/vote\/$/.exec(r.path)!;
        posts.set(`${m[1]}:${m[2]}`, (posts.get(`${m[1]}:${m[2]}`) ?? 0) + 1);
      }
      const twice = a.targets.filter((t) => posts.get(t) !== 1);
      assert.deepStrictEqual(
        twice,
        [],
        `targets without exactly one POST (${twice.length}): ${twice.slice(0, 5).join(', ')}`,
      );
      assert.deepStrictEqual([...a.failed, ...b.failed], []);
      assert.strictEqual(a.removed + b.removed, 200, 'each removed once, by one window or the other');
      assert.strictEqual(a.alreadyRemoved + b.alreadyRemoved, 200, 'the other window found it already removed');
      assert.deepStrictEqual(a.after, b.after, 'both windows end with the same list');
      assert.deepStrictEqual(a.after, truthKeys(emu(), 'selfcommunity'), "and it is the server's");
    } finally {
      for (const w of windows) w.kill();
    }
  });
});
