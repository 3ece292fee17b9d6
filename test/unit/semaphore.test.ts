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
