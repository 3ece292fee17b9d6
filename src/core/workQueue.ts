/** A work queue: items handed in one at a time, worked on by a few tasks of a TaskStream. */
import type { TaskStream } from './async';

/**
 * Items handed in one at a time (the cases of a listing, as their page arrives), each worked on by a
 * task of a TaskStream, at most `width` at once: a task is spawned only while fewer run, and takes
 * the items in the order they came. Spawning a task per item made 500 cases cost ~20 ms of promise
 * chains before the first comment read could leave, and held a pending task per item for the whole
 * listing. The stream ends when its other tasks (the one handing items in) and these have finished.
 * Whoever finds the items waits for `room` before finding more: finding never runs far ahead of doing.
 */
export class WorkQueue<I> {
  private items: Array<I | undefined> = [];
  private head = 0;
  private running = 0;
  /** Waiting for fewer than `below` items to wait. */
  private roomWaiters: Array<{ below: number; resolve: () => void }> = [];

  constructor(
    private readonly stream: TaskStream<unknown>,
    private readonly width: number,
    private readonly work: (item: I, signal: AbortSignal) => Promise<void>,
  ) {}

  /** Items added and not yet taken. */
  get waiting(): number {
    return this.items.length - this.head;
  }

  add(item: I): void {
    this.items.push(item);
    if (this.running >= this.width) return;
    this.running++;
    this.stream.spawn((signal) => this.drain(signal));
  }

  /** Resolves once fewer than `below` items wait (at once if they do), or when `signal` aborts. */
  room(below: number, signal?: AbortSignal): Promise<void> {
    if (this.waiting < below || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        this.roomWaiters = this.roomWaiters.filter((w) => w !== waiter);
        resolve();
      };
      const waiter = { below, resolve: done };
      this.roomWaiters.push(waiter);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private async drain(signal: AbortSignal): Promise<void> {
    try {
      while (this.head < this.items.length) {
        const item = this.items[this.head] as I;
        this.items[this.head++] = undefined;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        if (this.roomWaiters.length) this.wakeRoom();
        await this.work(item, signal);
      }
    } finally {
      this.running--;
    }
  }

  private wakeRoom(): void {
    const waiting = this.waiting;
    const ready = this.roomWaiters.filter((w) => waiting < w.below);
    if (!ready.length) return;
    this.roomWaiters = this.roomWaiters.filter((w) => waiting >= w.below);
    for (const w of ready) w.resolve();
  }
}
