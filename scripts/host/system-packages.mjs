// The Debian packages the demo and the tests need, in one place, and how setup.mjs gets them:
// missing ones are installed with apt-get when running as root; otherwise one line names the exact
// command to run and setup fails. Add a package by adding an entry to PACKAGES.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** package → why, and which purposes ("demo": npm run demo, "test": npm test) need it. */
export const PACKAGES = [
  { name: 'libkrb5-dev', for: ['demo', 'test'], why: "headers for code-server's native kerberos module" },
  { name: 'chromium', for: ['test'], why: 'the browser the E2E layer drives (/usr/bin/chromium)' },
  { name: 'fonts-noto-color-emoji', for: ['test'], why: 'reactions are emoji: without it screenshots show boxes' },
  { name: 'python3-django', for: ['test'], why: 'the Django OAuth Toolkit test server' },
  { name: 'python3-django-oauth-toolkit', for: ['test'], why: 'the Django OAuth Toolkit test server' },
  // only Recommended by python3-django-oauth-toolkit: an install without Recommends lacks it
  { name: 'python3-djangorestframework', for: ['test'], why: 'the Django REST Framework throttle test server' },
];

export const PURPOSES = ['demo', 'test'];

/** The package names a purpose needs (every purpose when none is given). */
export function packagesFor(purpose) {
  return PACKAGES.filter((p) => !purpose || p.for.includes(purpose)).map((p) => p.name);
}

/** True when dpkg says the package is installed. */
export function isInstalled(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && /\binstall ok installed\b/.test(r.stdout);
}

/** The one-line instruction for a user who is not root. */
export function installHint(missing) {
  return `sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`;
}

/**
 * Makes sure the purpose's packages are installed.
 * @param {{ purpose?: string, log: (msg: string) => void, isRoot?: boolean,
 *           installed?: (name: string) => boolean, run?: (cmd: string, args: string[], env: object) => void }} o
 * @returns {{ missing: string[], installed: string[], skipped?: string }}
 */
export function ensureSystemPackages({
  purpose,
  log,
  isRoot = process.getuid?.() === 0,
  installed = isInstalled,
  run = runInherit,
}) {
  const wanted = packagesFor(purpose);
  if (!existsSync('/usr/bin/dpkg-query') && installed === isInstalled) {
    // Not Debian: nothing to check with; the tools say what is missing when they fail.
    const skipped = `no dpkg on this system: make sure these (Debian names) are installed: ${wanted.join(' ')}`;
    log(skipped);
    return { missing: [], installed: [], skipped };
  }
  const missing = wanted.filter((name) => !installed(name));
  if (missing.length === 0) {
    log(`Debian packages${purpose ? ` for ${purpose}` : ''} present: ${wanted.join(' ')}`);
    return { missing, installed: [] };
  }
  if (!isRoot) {
    const err = new Error(`missing Debian packages; run: ${installHint(missing)}`);
    err.hint = installHint(missing);
    throw err;
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  run('apt-get', ['update'], {});
  run('apt-get', ['install', '-y', ...missing], { DEBIAN_FRONTEND: 'noninteractive' });
  const still = missing.filter((name) => !installed(name));
  if (still.length) throw new Error(`apt-get did not install: ${still.join(' ')}`);
  return { missing, installed: missing };
}

function runInherit(cmd, args, env) {
  console.log(
    `[host setup] $ ${Object.entries(env)
      .map(([k, v]) => `${k}=${v} `)
      .join('')}${cmd} ${args.join(' ')}`,
  );
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.signal ?? `exit ${r.status}`})`);
}
