// Types for cleanup.mjs.
export declare function addCleanup(
  name: string,
  fn: () => Promise<void> | void,
  syncFn?: () => void,
): () => Promise<void>;
export declare function runCleanups(perStepMs?: number): Promise<void>;
export declare function startWatchdog(ms: number, what: string): () => void;
export declare function installSignalHandlers(): void;
export declare function isStopping(): boolean;
