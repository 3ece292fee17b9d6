// Types for paths.mjs.
export declare const ROOT: string;
export declare const HOST_DIR: string;
export declare const NODE_VERSION: string;
export declare const CODE_SERVER_VERSION: string;
export declare const paths: {
  nodeDir: string;
  node: string;
  nodeBinDir: string;
  readonly nodeHeadersDir: string | undefined;
  codeServerDir: string;
  codeServerEntry: string;
};
export declare function assertInstalled(): void;
export declare function chromiumPath(): string;
