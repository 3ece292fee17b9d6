// The esbuild options of the extension's bundle (scripts/build.mjs builds with them; the unit test of
// what activation loads, test/unit/activation-size.test.ts, builds the same into a temporary folder).

// node-fetch's fetch-blob falls back to a 60 KB web-streams polyfill when globalThis.ReadableStream is
// missing. Every VS Code extension host (Node >= 18) has it, so the fallback resolves to Node's own.
const nativeWebStreams = {
  name: 'native-web-streams',
  setup(build) {
    build.onResolve({ filter: /^web-streams-polyfill(\/|$)/ }, () => ({ path: 'node:stream/web', external: true }));
  },
};

/** `production`: minified, no sourcemaps. `plugins`: added after the build's own. */
export function buildOptions({ production = false, outdir = 'dist', plugins = [] } = {}) {
  return {
    plugins: [nativeWebStreams, ...plugins],
    entryPoints: ['src/extension.ts'],
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'node',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // Bundled CommonJS dependencies (node-fetch's) call require() for Node's modules: give ESM one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    external: ['vscode'],
    minify: production,
    sourcemap: production ? false : 'linked',
    sourcesContent: false,
    legalComments: production ? 'none' : 'inline',
    logLevel: 'warning',
  };
}
