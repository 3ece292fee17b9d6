// Types for system-packages.mjs.
export declare const PACKAGES: Array<{ name: string; for: string[]; why: string }>;
export declare const PURPOSES: string[];
export declare function packagesFor(purpose?: string): string[];
export declare function isInstalled(name: string): boolean;
export declare function installHint(missing: string[]): string;
export declare function ensureSystemPackages(o: {
  purpose?: string;
  log: (msg: string) => void;
  isRoot?: boolean;
  installed?: (name: string) => boolean;
  run?: (cmd: string, args: string[], env: Record<string, string>) => void;
}): { missing: string[]; installed: string[]; skipped?: string };
