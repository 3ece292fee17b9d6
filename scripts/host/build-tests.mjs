// Bundles the host tests (test/host/**/*.ts) into out/test/host/ for the extension host:
// CommonJS, one file per entry, `vscode` (provided by the host) and `mocha` (loaded from
// node_modules, mocha@11 is CommonJS) left external.
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from './paths.mjs';

const SRC = join(ROOT, 'test', 'host');
export const HOST_TESTS_OUT = join(ROOT, 'out', 'test', 'host');

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsFiles(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

export async function buildHostTests() {
  rmSync(HOST_TESTS_OUT, { recursive: true, force: true }); // no stale *.test.js from deleted files
  const entryPoints = tsFiles(SRC);
  await esbuild.build({
    entryPoints,
    outbase: SRC,
    outdir: HOST_TESTS_OUT,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  console.log(
    `[build] host tests: ${entryPoints.map((f) => relative(SRC, f)).join(', ')} → ${relative(ROOT, HOST_TESTS_OUT)}/`,
  );
  return HOST_TESTS_OUT;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildHostTests();
}
