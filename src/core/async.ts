/** Small async building blocks: a semaphore, a keyed lock, an abortable sleep and a push-pull queue. */
import { setMaxListeners } from 'events';
import { cancelled } from './errors';

/**
 * Bounds how many tasks run at once. The limit can change at run time (adaptive concurrency).
 *
 * A scan queues thousands of tasks on one AbortSignal. Waiters do not each listen on it: Node's
 * EventTarget walks its listener list on every add and remove, so one listener per waiter made
 * queueing O(n²) (a quarter of the CPU of a 10k listing, and event-loop blocks of several 100 ms).
 * One listener per signal drops that signal's waiters when it aborts. The queue is read from a head
 * index: Array.shift() on tens of thousands of waiters is O(n) each (a quarter of a 100k listing's CPU).
 */
export class Semaphore {
  /**
   * A task run `ahead` (a read that opens more work: the next page of a list whose items have lists
   * of their own) goes before the waiting ones while fewer than this many wait: the work never
   * drains while such a list is still being read, and finding work never runs far ahead of doing it.
   */
  static readonly AHEAD_BACKLOG = 256;

  private active = 0;
  private waiting: Waiter[] = [];
  /** The next waiter to grant: waiting[head]; the ones before it are done. */
  private head = 0;
  /** Waiters that go before `waiting` (few: see AHEAD_BACKLOG). */
  private ahead: Waiter[] = [];
  private readonly watched = new WeakSet<AbortSignal>();

  constructor(private max: number) {
    if (!(max >= 1)) this.max = 1;
  }

  get limit(): number {
    return this.max;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length - this.head + this.ahead.length;
  }

  setLimit(max: number): void {
    this.max = Math.max(1, Math.floor(max));
    this.pump();
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal, ahead = false): Promise<T> {
    await this.acquire(signal, ahead);
    try {
      return await task();
    } finally {
      this.active--;
      this.pump();
    }
  }

  private acquire(signal: AbortSignal | undefined, ahead: boolean): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.active < this.max && this.queued === 0) {
      this.active++;
      return Promise.resolve();
    }
    if (signal && !this.watched.has(signal)) {
      this.watched.add(signal);
      signal.addEventListener('abort', () => this.dropWaiters(signal), { once: true });
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        this.active++;
        resolve();
      };
      const queue = ahead && this.queued < Semaphore.AHEAD_BACKLOG ? this.ahead : this.waiting;
      queue.push({ grant, signal, reject });
    });
  }

  private dropWaiters(signal: AbortSignal): void {
    const dropped: Array<(e: unknown) => void> = [];
    const keep = (list: readonly Waiter[]) =>
      list.filter((w) => {
        if (w.signal !== signal) return true;
        dropped.push(w.reject);
        return false;
      });
    this.ahead = keep(this.ahead);
    this.waiting = keep(this.waiting.slice(this.head));
    this.head = 0;
    for (const reject of dropped) reject(cancelled());
  }

  private pump(): void {
    while (this.active < this.max) {
      let next = this.ahead.shift();
      if (!next) {
        if (this.head >= this.waiting.length) return;
        next = this.waiting[this.head++];
        if (this.head > 1024 && this.head * 2 > this.waiting.length) {
          this.waiting = this.waiting.slice(this.head);
          this.head = 0;
        }
      }
      next.grant();
    }
  }
}

interface Waiter {
  grant: () => void;
  signal?: AbortSignal;
  reject: (e: unknown) => void;
}

/** Serialises work per key: two operations on the same target never overlap. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/**
 * `make()` once, its promise shared by every call — unless it fails: a failure is handed to the calls
 * waiting on it and then forgotten, so the next call makes it again (with that call's arguments).
 */
export function onceUntilFailure<T, A extends unknown[] = []>(
  make: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  let made: Promise<T> | undefined;
  return (...args: A) =>
    (made ??= make(...args).catch((e: unknown) => {
      made = undefined;
      throw e;
    }));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelled());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs producer tasks concurrently and exposes what they push as one AsyncIterable.
 * The iteration ends when every spawned task has finished; the first task error ends it with that
 * error (after aborting the rest through `signal`). Breaking out of the loop aborts the tasks.
 */
export class TaskStream<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private pending = 0;
  private error: unknown;
  private finished = false;
  private wake: (() => void) | undefined;
  private readonly controller = new AbortController();

  constructor(outer?: AbortSignal) {
    // Every request of a scan listens on this signal: hundreds at once is expected, not a leak.
    setMaxListeners(0, this.controller.signal);
    if (outer) {
      if (outer.aborted) this.controller.abort();
      else outer.addEventListener('abort', () => this.fail(cancelled()), { once: true });
    }
  }

  /** Aborted when the consumer stops, the outer signal aborts or any task fails. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  push(item: T): void {
    if (this.finished) return;
    this.buffer.push(item);
    this.notify();
  }

  spawn(task: (signal: AbortSignal) => Promise<void>): void {
    if (this.finished) return;
    this.pending++;
    task(this.controller.signal).then(
      () => {
        this.pending--;
        this.notify();
      },
      (e) => {
        this.pending--;
        this.fail(e);
      },
    );
  }

  private fail(e: unknown): void {
    if (this.error === undefined) this.error = e;
    if (!this.controller.signal.aborted) this.controller.abort();
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      for (;;) {
        if (this.buffer.length > 0) {
          yield this.buffer.shift()!;
          continue;
        }
        if (this.error !== undefined) throw this.error;
        if (this.pending === 0) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.finished = true;
      if (!this.controller.signal.aborted) this.controller.abort();
    }
  }
}

/** Passes a stream through and calls `onComplete` only when it ran to its end (not on error or break). */
export async function* whenComplete<T>(source: AsyncIterable<T>, onComplete: () => void): AsyncGenerator<T> {
  for await (const item of source) yield item;
  onComplete();
}

/** Runs tasks from `next()` with at most `width` in flight; the first failure stops the rest. */
export function pool(
  width: number,
  next: () => ((signal: AbortSignal) => Promise<void>) | undefined,
  outer?: AbortSignal,
): Promise<void> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  if (outer?.aborted) controller.abort();
  return new Promise<void>((resolve, reject) => {
    let running = 0;
    let error: unknown;
    const pump = () => {
      while (error === undefined && running < width) {
        const task = next();
        if (!task) break;
        running++;
        task(controller.signal).then(
          () => {
            running--;
            pump();
          },
          (e) => {
            running--;
            if (error === undefined) {
              error = e;
              controller.abort();
            }
            pump();
          },
        );
      }
      if (running === 0) {
        outer?.removeEventListener('abort', onAbort);
        if (error !== undefined) reject(error);
        else resolve();
      }
    };
    pump();
  });
}
