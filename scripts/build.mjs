// Bundles the extension into dist/extension.js with esbuild.
//   node scripts/build.mjs                 development build (sourcemaps)
//   node scripts/build.mjs --production    minified release build
//   node scripts/build.mjs --watch         rebuild on change
import * as esbuild from 'esbuild';

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
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: 'dist/extension.js',
  external: ['vscode'],
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  legalComments: production ? 'none' : 'inline',
  // In watch mode the watch-report plugin prints instead (one line per problem, for the matcher).
  logLevel: watch ? 'silent' : 'info',
  metafile: true,
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  const result = await esbuild.build(options);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`dist/extension.js: ${(bytes / 1024).toFixed(1)} KB${production ? ' (minified)' : ''}`);
}
