// Types for activation-size.mjs.
export interface Size {
  bytes: number;
  files: number;
}
export declare function activationSize(dist: string): { loaded: Size; all: Size } | undefined;
