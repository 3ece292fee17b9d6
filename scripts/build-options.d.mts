// Types for build-options.mjs.
import type { BuildOptions, Plugin } from 'esbuild';
export declare function buildOptions(options?: {
  production?: boolean;
  outdir?: string;
  plugins?: Plugin[];
}): BuildOptions;
