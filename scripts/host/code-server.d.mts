// Types for code-server.mjs (used from TypeScript: test/e2e/harness.ts).
export declare const CLEAN_SETTINGS: Record<string, unknown>;
export declare function freePort(): Promise<number>;

export interface CodeServerOptions {
  folder?: string;
  vsix?: string | string[];
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  smokeTestDriver?: boolean;
  args?: string[];
  port?: number;
  idleTimeoutSeconds?: number;
  keepTemp?: boolean;
  startTimeoutMs?: number;
}

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  authority: string;
  dirs: { root: string; userData: string; extensions: string; xdgConfig: string; xdgData: string };
  logFile: string;
  remoteUri(absPath: string): string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export declare function startCodeServer(o?: CodeServerOptions): Promise<CodeServer>;
