import * as assert from 'assert';
import { getEventListeners } from 'events';
import { isReactionsError } from '../../src/core/errors';
import { Semaphore, sleep } from '../../src/core/async';

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
