/**
 * The host set-up (scripts/host) does not depend on where it is started from: the npm that installs
 * Node 24 and code-server gets the same environment under `npm run`, `npm exec` or plain `node`, and
 * the Debian packages are installed (root) or named in one line (not root).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanChildEnv } from '../../scripts/host/env.mjs';
import { paths } from '../../scripts/host/paths.mjs';
import { ensureSystemPackages, packagesFor } from '../../scripts/host/system-packages.mjs';

const ENV_MODULE = path.resolve(__dirname, '../../scripts/host/env.mjs');

describe('host set-up: the environment of the nested npm install', () => {
  it('drops every npm_* / npm_config_* / NODE / INIT_CWD variable and puts the given Node first on PATH', () => {
    const base = {
      HOME: '/root',
      LANG: 'C.UTF-8',
      PATH: ['/proj/node_modules/.bin', '/node_modules/.bin', '/usr/lib/npm/lib/node-gyp-bin', '/usr/bin', '/bin'].join(
        path.delimiter,
      ),
      npm_config_user_agent: 'npm/11.0.0 node/v20.0.0 linux x64',
      NPM_CONFIG_NODEDIR: '/outer/headers',
      npm_lifecycle_event: 'demo',
      npm_package_name: 'reactions-vscode',
      npm_execpath: '/usr/lib/npm/bin/npm-cli.js',
      npm_node_execpath: '/usr/bin/node',
      NODE: '/usr/bin/node',
      INIT_CWD: '/proj',
      NODE_OPTIONS: '--import tsx',
    };
    const env = cleanChildEnv({ nodeBinDir: '/host/node24/bin', base, extra: { CI: 'true' } });
    assert.deepStrictEqual(env, {
      HOME: '/root',
      LANG: 'C.UTF-8',
      PATH: ['/host/node24/bin', '/usr/bin', '/bin'].join(path.delimiter),
      CI: 'true',
    });
  });

  // The real bug: under `npm run demo`, the nested `npm install code-server` read the outer npm's
  // npm_config_user_agent ("node/v20") and code-server's postinstall refused to install. Here an outer
  // npm script builds the child's environment and runs a nested npm script that reports what it sees.
  // The outer user agent is marked ("node/v20.0.0-outer") so that a leak is visible even where the
  // Node first on PATH is the same binary (before set-up, Node 24 is not there yet).
  const node24 = fs.existsSync(paths.node) ? paths.nodeBinDir : undefined;
  const innerBin = node24 ?? path.dirname(process.execPath);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-env-probe-'));
    const report = `console.log('INNER ' + JSON.stringify({ ua: process.env.npm_config_user_agent, node: process.version, initCwd: process.env.INIT_CWD }))`;
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'probe',
        private: true,
        scripts: { outer: 'node probe.mjs', inner: `node -e "${report}"` },
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'probe.mjs'),
      [
        `import { spawnSync } from 'node:child_process';`,
        `import { cleanChildEnv } from ${JSON.stringify(ENV_MODULE)};`,
        `const bin = ${JSON.stringify(innerBin)};`,
        `const env = process.argv[2] === 'clean' ? cleanChildEnv({ nodeBinDir: bin })`,
        `  : { ...process.env, PATH: bin + ':' + process.env.PATH };`, // what setup.mjs did before
        `const r = spawnSync('npm', ['run', '--silent', 'inner'], { env, encoding: 'utf8' });`,
        `process.stdout.write(r.stdout + r.stderr);`,
        `console.log('OUTER ' + JSON.stringify({ npmVars: Object.keys(process.env).filter((k) => /^npm_/i.test(k)).length }));`,
      ].join('\n'),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function probe(launcher: (mode: string) => string[], mode: 'clean' | 'raw') {
    const [cmd, ...args] = launcher(mode);
    const r = spawnSync(cmd, args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, npm_config_user_agent: 'npm/0.0.0 node/v20.0.0-outer linux x64' },
      timeout: 60_000,
    });
    const line = (tag: string) => {
      const l = r.stdout.split('\n').find((x) => x.startsWith(`${tag} `));
      assert.ok(l, `no ${tag} line in:\n${r.stdout}\n${r.stderr}`);
      return JSON.parse(l.slice(tag.length + 1));
    };
    return { outer: line('OUTER'), inner: line('INNER') };
  }
  const expectedNode = spawnSync(path.join(innerBin, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();

  for (const [name, launcher] of [
    ['npm run', (mode: string) => ['npm', 'run', '--silent', 'outer', '--', mode]],
    ['npm exec', (mode: string) => ['npm', 'exec', '--yes', '-c', `node probe.mjs ${mode}`]],
  ] as const) {
    it(`from inside \`${name}\`, the nested npm sees the Node first on PATH (${node24 ? 'Node 24' : 'this Node'}), not the outer npm's`, () => {
      const clean = probe(launcher, 'clean');
      assert.ok(
        clean.outer.npmVars > 5,
        `the probe ran inside an npm script environment (${clean.outer.npmVars} npm_* vars)`,
      );
      assert.strictEqual(clean.inner.node, expectedNode);
      assert.match(clean.inner.ua, new RegExp(` node/${expectedNode.replace(/\./g, '\\.')} `));
      assert.strictEqual(clean.inner.initCwd, dir, "INIT_CWD is the nested npm's own");
      // The same nested npm with the outer environment passed through sees the outer user agent:
      // the failure the clean environment prevents.
      const raw = probe(launcher, 'raw');
      assert.match(raw.inner.ua, /node\/v20\.0\.0-outer/);
    });
  }
});

describe('host set-up: Debian packages', () => {
  const none = () => false;
  it('the demo needs no browser; the tests need chromium, the emoji font and the kerberos headers', () => {
    assert.ok(!packagesFor('demo').includes('chromium'));
    assert.ok(packagesFor('demo').includes('libkrb5-dev'));
    for (const p of ['chromium', 'libkrb5-dev', 'fonts-noto-color-emoji'])
      assert.ok(packagesFor('test').includes(p), p);
  });

  it('not root: fails with one line naming the exact apt-get command, and runs nothing', () => {
    const ran: string[] = [];
    assert.throws(
      () =>
        ensureSystemPackages({
          purpose: 'demo',
          log: () => {},
          isRoot: false,
          installed: (n) => n !== 'libkrb5-dev',
          run: (cmd) => ran.push(cmd),
        }),
      (err: Error) => {
        assert.strictEqual(
          err.message,
          'missing Debian packages; run: sudo apt-get update && sudo apt-get install -y libkrb5-dev',
        );
        assert.ok(!err.message.includes('\n'));
        return true;
      },
    );
    assert.deepStrictEqual(ran, []);
  });

  it('root: apt-get update, then a non-interactive install of exactly the missing ones', () => {
    const have = new Set([
      'chromium',
      'libkrb5-dev',
      'python3-django',
      'python3-django-oauth-toolkit',
      'python3-djangorestframework',
    ]);
    const ran: string[] = [];
    const result = ensureSystemPackages({
      purpose: 'test',
      log: () => {},
      isRoot: true,
      installed: (n) => have.has(n),
      run: (cmd, args, env) => {
        ran.push(
          `${Object.entries(env)
            .map(([k, v]) => `${k}=${v} `)
            .join('')}${cmd} ${args.join(' ')}`,
        );
        if (args[0] === 'install') args.slice(2).forEach((p) => have.add(p));
      },
    });
    assert.deepStrictEqual(ran, [
      'apt-get update',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-color-emoji',
    ]);
    assert.deepStrictEqual(result.installed, ['fonts-noto-color-emoji']);
  });

  it('root: an install that leaves a package missing fails', () => {
    assert.throws(
      () => ensureSystemPackages({ purpose: 'demo', log: () => {}, isRoot: true, installed: none, run: () => {} }),
      /apt-get did not install: libkrb5-dev/,
    );
  });

  it('nothing missing: runs nothing', () => {
    const ran: string[] = [];
    const r = ensureSystemPackages({ log: () => {}, isRoot: true, installed: () => true, run: (c) => ran.push(c) });
    assert.deepStrictEqual([ran, r.missing], [[], []]);
  });
});
