// Types for activation-size.mjs.
export interface Size {
  bytes: number;
  files: number;
}
export declare function activationSize(dist: string): { loaded: Size; all: Size } | undefined;
export declare function activationInputs(metafile: import('esbuild').Metafile): Array<{ input: string; bytes: number }>;
