#!/usr/bin/env node
// Builds the extension (production bundle) and packages it into a .vsix with vsce, as a user gets
// it. vsce's own checks stay on: package.json must have `repository` and the repository a LICENSE
// (a missing one fails here, as it would on publishing). Runtime dependencies are bundled into
// dist/extension.mjs and dist/chunks/, hence --no-dependencies.
//
//   node scripts/host/package-vsix.mjs [--out <file.vsix>] [--no-build]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './paths.mjs';

function run(cmd, args, timeoutMs) {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', rej);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) res();
      else rej(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** @returns {Promise<string>} the absolute path of the .vsix */
export async function packageVsix({ out, build = true } = {}) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const vsix = resolve(out ?? join(ROOT, `${pkg.name}-${pkg.version}.vsix`));
  mkdirSync(dirname(vsix), { recursive: true });
  if (build) await run('npm', ['run', '--silent', 'build'], 180_000);
  await run(join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '-o', vsix], 180_000);
  if (!existsSync(vsix)) throw new Error(`vsce did not write ${vsix}`);
  return vsix;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, 'no-build': { type: 'boolean', default: false } },
  });
  packageVsix({ out: values.out, build: !values['no-build'] }).then(
    (p) => console.log(`[package] ${p}`),
    (err) => {
      console.error(`[package] FAILED: ${err.message}`);
      process.exit(1);
    },
  );
}
