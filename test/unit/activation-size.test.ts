/**
 * What VS Code parses before the view can show: dist/extension.mjs and the chunks it imports statically,
 * built here exactly as `npm run build` builds them (scripts/build-options.mjs, minified) into a temporary
 * folder, and measured as the build and the bench measure them (scripts/activation-size.mjs).
 */
import * as assert from 'assert';
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { activationInputs, activationSize } from '../../scripts/activation-size.mjs';
import { buildOptions } from '../../scripts/build-options.mjs';

const root = path.resolve(__dirname, '../..');
/** The bench row "dist/extension.mjs + chunks loaded at activation (minified)" targets this. */
const BUDGET_KB = 150;

describe('what activation loads', function () {
  this.timeout(60_000);
  let dir: string;
  let loadedBytes: number;
  let inputs: Array<{ input: string; bytes: number }>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reactions-activation-'));
    const result = await esbuild.build({
      ...buildOptions({ production: true, outdir: dir }),
      absWorkingDir: root,
      metafile: true,
      logLevel: 'silent',
    });
    loadedBytes = activationSize(dir)!.loaded.bytes;
    inputs = activationInputs(result.metafile);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`VS Code parses at most ${BUDGET_KB} KB (minified) of the extension to show the view`, () => {
    const biggest = inputs
      .slice(0, 12)
      .map((x) => `${x.input} ${x.bytes}`)
      .join(', ');
    assert.ok(
      loadedBytes <= BUDGET_KB * 1024,
      `${(loadedBytes / 1024).toFixed(1)} KB load at activation; the biggest: ${biggest} (node scripts/build.mjs --production --metafile lists them all)`,
    );
  });

  it('what only a request, a write, a bulk run, a sign-in or a command needs loads with it, not at activation', () => {
    const loaded = new Set(inputs.map((x) => x.input));
    const later = [
      'node_modules/node-fetch/src/index.js', // the first request
      'src/core/fileLock.ts', // the first write
      'src/core/services/common/targetLocks.ts',
      'src/core/services/tines/keyProof.ts',
      'src/core/cleanup/runs.ts', // the first bulk run, the interrupted-run check after activation
      'src/ui/commands/interrupted.ts',
      'src/ui/auth/browserCallback.ts', // the first sign-in or browser answer
      'src/core/auth/oauth.ts', // the first sign-in, renewal or revocation
      'src/ui/commands/verify.ts',
      'src/ui/commands/remove.ts',
      'src/ui/commands/cleanUp.ts',
    ];
    assert.deepStrictEqual(
      later.filter((f) => loaded.has(f)),
      [],
    );
  });
});
