import * as assert from 'assert';
import { getEventListeners } from 'events';
import { isReactionsError } from '../../src/core/errors';
import { Semaphore, TaskStream, sleep } from '../../src/core/async';
import { WorkQueue } from '../../src/core/workQueue';

describe('Semaphore queueing under a scan-wide signal', () => {
  it('keeps one abort listener for thousands of queued tasks (queueing stays linear)', async () => {
    const sem = new Semaphore(2);
    const controller = new AbortController();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runs = Array.from({ length: 5000 }, () => sem.run(() => gate, controller.signal));
    assert.ok(getEventListeners(controller.signal, 'abort').length <= 1);
    release();
    await Promise.all(runs);
  });

  it('an aborted signal cancels its queued tasks only; the others still run', async () => {
    const sem = new Semaphore(1);
    const a = new AbortController();
    const b = new AbortController();
    const ran: string[] = [];
    const first = sem.run(() => sleep(10), b.signal);
    const queuedA = [1, 2, 3].map((i) => sem.run(async () => void ran.push(`a${i}`), a.signal));
    const queuedB = sem.run(async () => void ran.push('b'), b.signal);
    a.abort();
    const outcomes = await Promise.allSettled(queuedA);
    assert.ok(outcomes.every((o) => o.status === 'rejected' && isReactionsError(o.reason, 'cancelled')));
    await first;
    await queuedB;
    assert.deepStrictEqual(ran, ['b']);
    assert.strictEqual(await sem.run(async () => 'free'), 'free'); // nothing left holding a slot
  });

  it('grants in arrival order, also past thousands of waiters', async () => {
    const sem = new Semaphore(3);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 3000 }, (_, i) => sem.run(async () => void order.push(i))));
    assert.deepStrictEqual(
      order,
      Array.from({ length: 3000 }, (_, i) => i),
    );
    assert.strictEqual(await sem.run(async () => 'free'), 'free'); // nothing left holding a slot
  });
});

describe('Semaphore: reads that open more work go ahead (the next page of a list with sub-lists)', () => {
  it('an ahead task passes the waiting ones, in its own arrival order; an aborted one is dropped', async () => {
    const sem = new Semaphore(1);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const busy = sem.run(() => gate);
    const aborted = new AbortController();
    const runs = [
      ...[1, 2, 3].map((i) => sem.run(async () => void order.push(`comments ${i}`))),
      sem.run(async () => void order.push('page 2'), undefined, true),
      sem.run(async () => void order.push('dropped'), aborted.signal, true),
      sem.run(async () => void order.push('page 3'), undefined, true),
    ];
    aborted.abort();
    release();
    await busy;
    await Promise.allSettled(runs);
    assert.deepStrictEqual(order, ['page 2', 'page 3', 'comments 1', 'comments 2', 'comments 3']);
  });

  it('waits its turn once many wait: finding work never runs far ahead of doing it', async () => {
    const sem = new Semaphore(1);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const busy = sem.run(() => gate);
    const backlog = Array.from({ length: Semaphore.AHEAD_BACKLOG }, () => sem.run(async () => void order.push('x')));
    const page = sem.run(async () => void order.push('page'), undefined, true);
    release();
    await Promise.all([busy, ...backlog, page]);
    assert.strictEqual(order.indexOf('page'), Semaphore.AHEAD_BACKLOG, 'after the backlog, not before it');
  });
});

describe('WorkQueue: the cases of a listing, each read by one of a few tasks', () => {
  it('works items in the order they came, never more than `width` at once, and the stream ends after the last', async () => {
    const stream = new TaskStream<number>();
    let running = 0;
    let most = 0;
    const queue = new WorkQueue<number>(stream, 4, async (n) => {
      most = Math.max(most, ++running);
      await sleep(n % 3);
      running--;
      stream.push(n);
    });
    for (let i = 0; i < 1000; i++) queue.add(i);
    const done: number[] = [];
    for await (const n of stream) done.push(n);
    assert.strictEqual(most, 4);
    assert.strictEqual(done.length, 1000, 'every item, once');
    assert.deepStrictEqual(
      [...done].sort((a, b) => a - b),
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.ok(
      done.slice(0, 4).every((n) => n < 8),
      'the first items done are the first that came',
    );
  });

  it('an item that fails ends the stream with its error; the items left are not worked on', async () => {
    const stream = new TaskStream<number>();
    const worked: number[] = [];
    const queue = new WorkQueue<number>(stream, 2, async (n, signal) => {
      await sleep(1, signal);
      worked.push(n);
      if (n === 3) throw new Error('case 3 unreadable');
    });
    for (let i = 0; i < 100; i++) queue.add(i);
    await assert.rejects(async () => {
      for await (const _ of stream);
    }, /case 3 unreadable/);
    assert.ok(worked.length < 10, `${worked.length} worked on`);
  });
});

describe('WorkQueue.room: whoever finds the items waits while many wait', () => {
  it('resolves once fewer than `below` items wait, at once if they do, and when the signal aborts', async () => {
    const stream = new TaskStream<number>();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const queue = new WorkQueue<number>(stream, 1, () => gate);
    for (let i = 0; i < 10; i++) queue.add(i);
    assert.strictEqual(queue.waiting, 9, 'one taken by the task, nine wait');
    let roomy = false;
    const room = queue.room(5).then(() => (roomy = true));
    await queue.room(20); // at once
    const aborted = new AbortController();
    const cut = queue.room(1, aborted.signal);
    aborted.abort();
    await cut;
    await sleep(5);
    assert.strictEqual(roomy, false, 'nine still wait');
    release();
    await room;
    assert.ok(queue.waiting < 5);
    for await (const _ of stream);
  });
});
