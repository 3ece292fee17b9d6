/** A tiny event emitter: the core does not use vscode's (the UI adapts it). */

export interface Subscription {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => void) => Subscription;

export class Emitter<T> {
  private readonly listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  fire(e: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch {
        // A failing listener must not break the store or the other listeners.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
