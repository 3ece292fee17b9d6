import * as assert from 'assert';
import { fork, spawn, type ChildProcess } from 'child_process';
import { promises as fs, mkdtempSync, rmSync } from 'fs';
import { hostname, tmpdir } from 'os';
import { join } from 'path';
import { FileLocks } from '../../src/core/fileLock';

const CHILD = join(__dirname, '..', 'support', 'lockChild.ts');

/** A lock file as a holder that is gone (or frozen) left it. */
async function leftBehind(locks: FileLocks, key: string, pid: number, ageMs = 0): Promise<string> {
  const path = locks.pathOf(key);
  await fs.mkdir(locks.dir, { recursive: true });
  await fs.writeFile(path, JSON.stringify({ pid, host: hostname(), at: new Date().toISOString() }));
  if (ageMs) {
    const then = new Date(Date.now() - ageMs);
    await fs.utimes(path, then, then);
  }
  return path;
}

/** A pid that runs no process (a child that has exited). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;
  await new Promise((r) => child.once('exit', r));
  return pid;
}

function startChild(): Promise<ChildProcess> {
  const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('error', reject);
  });
}

function result<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) =>
    child.on('message', (m: { done?: T; error?: string }) => {
      if (m.done) resolve(m.done);
      else if (m.error) reject(new Error(m.error));
    }),
  );
}

describe('FileLocks: one holder per key across processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reactions-locks-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tasks of several lock users on one key never overlap; other keys do not wait', async () => {
    const users = [0, 1, 2].map(() => new FileLocks(dir, { pollMs: 2 }));
    let inside = 0;
    let most = 0;
    const task = async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((r) => setTimeout(r, 1));
      inside--;
    };
    await Promise.all(users.flatMap((u) => Array.from({ length: 15 }, () => u.run('account|status:1', task))));
    assert.strictEqual(most, 1, 'two holders of one key at once');
    // another key is free while this one is held
    const held = await users[0].acquire('a');
    const t0 = Date.now();
    await users[1].run('b', async () => undefined);
    assert.ok(Date.now() - t0 < 500);
    await held.release();
    assert.deepStrictEqual(await fs.readdir(dir), [], 'every lock file is removed when let go');
  });

  it('a lock left by a crashed window (its pid is gone) is taken over at once, long before its lease ends', async () => {
    const locks = new FileLocks(dir, { leaseMs: 60_000 });
    await leftBehind(locks, 'k', await deadPid());
    const t0 = Date.now();
    await locks.run('k', async () => undefined);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });

  it('a lock whose heartbeat stopped longer than the lease ago is taken over; a fresh one of a live holder is not', async () => {
    const alive = () => true;
    const locks = new FileLocks(dir, { leaseMs: 300, isAlive: alive });
    await leftBehind(locks, 'stale', process.pid, 1000);
    await locks.run('stale', async () => undefined);

    await leftBehind(locks, 'fresh', process.pid);
    const waited = new AbortController();
    setTimeout(() => waited.abort(), 150);
    await assert.rejects(
      () => locks.run('fresh', async () => undefined, waited.signal),
      /cancelled/,
      'a live holder within its lease keeps the lock',
    );
  });

  it('the heartbeat keeps a long write holding the lock past its lease', async () => {
    const a = new FileLocks(dir, { leaseMs: 150, pollMs: 5 });
    const b = new FileLocks(dir, { leaseMs: 150, pollMs: 5, isAlive: () => true });
    const order: string[] = [];
    const first = a.run('k', async () => {
      order.push('a in');
      await new Promise((r) => setTimeout(r, 600));
      order.push('a out');
    });
    await new Promise((r) => setTimeout(r, 20));
    await b.run('k', async () => void order.push('b in'));
    await first;
    assert.deepStrictEqual(order, ['a in', 'a out', 'b in']);
  });

  it('racing takeovers of one stale lock (20 users in this process) never make two holders', async () => {
    for (let round = 0; round < 5; round++) {
      const users = Array.from({ length: 20 }, () => new FileLocks(dir, { leaseMs: 200, pollMs: 2 }));
      await leftBehind(users[0], 'k', process.pid, 5_000);
      let inside = 0;
      let most = 0;
      await Promise.all(
        users.map((u) =>
          u.run('k', async () => {
            inside++;
            most = Math.max(most, inside);
            await new Promise((r) => setTimeout(r, 2));
            inside--;
          }),
        ),
      );
      assert.strictEqual(most, 1, `round ${round}: two holders at once after a takeover`);
    }
  });

  it('racing takeovers from four processes: each holds the lock alone, all get it', async function () {
    this.timeout(30_000);
    const children = await Promise.all([0, 1, 2, 3].map(() => startChild()));
    try {
      const locks = new FileLocks(dir);
      await leftBehind(locks, 'k', process.pid, 10_000);
      const marker = join(dir, 'inside');
      const done = children.map((c) => result<{ held: number; overlaps: number }>(c));
      for (const c of children) c.send({ go: { dir, key: 'k', leaseMs: 1000, holdMs: 3, marker, rounds: 10 } });
      const results = await Promise.all(done);
      assert.deepStrictEqual(
        results.map((r) => r.overlaps),
        [0, 0, 0, 0],
        'a process found another inside the lock',
      );
      assert.deepStrictEqual(
        results.map((r) => r.held),
        [10, 10, 10, 10],
      );
    } finally {
      for (const c of children) c.kill();
    }
  });
});
