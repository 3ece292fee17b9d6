// Types for package-vsix.mjs.
export declare function packageVsix(o?: { out?: string; build?: boolean }): Promise<string>;
