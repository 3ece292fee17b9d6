// Types for env.mjs.
export declare function cleanChildEnv(o?: {
  nodeBinDir?: string;
  base?: NodeJS.ProcessEnv;
  extra?: Record<string, string>;
}): Record<string, string>;
