// Bundles the extension with esbuild into dist/extension.mjs (an ES module: VS Code loads ESM extensions
// natively since 1.100) and dist/chunks/*.mjs: code shared by the entry and the commands that load on
// first use (src/ui/commands/lazy.ts), and those commands. Activation loads the entry and the chunks it
// imports statically; the build prints that size beside the total.
//   node scripts/build.mjs                 development build (sourcemaps)
//   node scripts/build.mjs --production    minified release build
//   node scripts/build.mjs --watch         rebuild on change
import { rmSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { activationSize } from './activation-size.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// node-fetch's fetch-blob falls back to a 60 KB web-streams polyfill when globalThis.ReadableStream is
// missing. Every VS Code extension host (Node >= 18) has it, so the fallback resolves to Node's own.
const nativeWebStreams = {
  name: 'native-web-streams',
  setup(build) {
    build.onResolve({ filter: /^web-streams-polyfill(\/|$)/ }, () => ({ path: 'node:stream/web', external: true }));
  },
};

// Watch mode prints lines a problem matcher can read (.vscode/tasks.json): "[watch] build started",
// one "file:line:col: error|warning: message" line per problem, then "[watch] build finished".
const watchReport = {
  name: 'watch-report',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      const line = (severity) => (m) => {
        const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
        console.log(`${at}${severity}: ${m.text}`);
      };
      result.errors.forEach(line('error'));
      result.warnings.forEach(line('warning'));
      console.log(`[watch] build finished (${result.errors.length} error(s), ${result.warnings.length} warning(s))`);
    });
  },
};

const options = {
  plugins: watch ? [nativeWebStreams, watchReport] : [nativeWebStreams],
  entryPoints: ['src/extension.ts'],
  bundle: true,
  format: 'esm',
  splitting: true,
  platform: 'node',
  target: 'node20',
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (node-fetch's) call require() for Node's modules: give ESM one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  external: ['vscode'],
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  legalComments: production ? 'none' : 'inline',
  // In watch mode the watch-report plugin prints instead (one line per problem, for the matcher).
  logLevel: watch ? 'silent' : 'warning',
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  rmSync('dist', { recursive: true, force: true }); // no stale chunks (chunk names carry a hash)
  await esbuild.build(options);
  const size = activationSize('dist');
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `dist/extension.mjs: ${kb(size.loaded.bytes)} loaded at activation, ${kb(size.all.bytes)} with the chunks loaded on first use${production ? ' (minified)' : ''}`,
  );
}
