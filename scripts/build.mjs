// Bundles the extension with esbuild into dist/extension.mjs (an ES module: VS Code loads ESM extensions
// natively since 1.100) and dist/chunks/*.mjs: code shared by the entry and the commands that load on
// first use (src/ui/commands/lazy.ts), and those commands. Activation loads the entry and the chunks it
// imports statically; the build prints that size beside the total.
//   node scripts/build.mjs                 development build (sourcemaps)
//   node scripts/build.mjs --production    minified release build
//   node scripts/build.mjs --watch         rebuild on change
//   node scripts/build.mjs --production --metafile   also lists the bytes each source file adds to what activation loads
import { rmSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { activationInputs, activationSize } from './activation-size.mjs';
import { buildOptions } from './build-options.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const metafile = process.argv.includes('--metafile');

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
  ...buildOptions({ production, plugins: watch ? [watchReport] : [] }),
  // In watch mode the watch-report plugin prints instead (one line per problem, for the matcher).
  ...(watch ? { logLevel: 'silent' } : {}),
  metafile,
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  rmSync('dist', { recursive: true, force: true }); // no stale chunks (chunk names carry a hash)
  const result = await esbuild.build(options);
  const size = activationSize('dist');
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `dist/extension.mjs: ${kb(size.loaded.bytes)} loaded at activation, ${kb(size.all.bytes)} with the chunks loaded on first use${production ? ' (minified)' : ''}`,
  );
  if (metafile) {
    console.log('Bytes each source file adds to what activation loads, biggest first:');
    for (const { input, bytes } of activationInputs(result.metafile))
      console.log(`${String(bytes).padStart(8)}  ${input}`);
  }
}
