// The environment for the tools setup.mjs installs with npm (Node 24, code-server): the caller's
// environment minus everything an outer `npm run` / `npx` put there, with a given Node first on PATH.
//
// Why: `npm run demo` / `npm test` export `npm_config_*` (npm's own config, which a nested npm reads
// back as ITS config), `npm_config_user_agent` ("npm/11 node/v20 …", from which code-server's
// postinstall takes the Node version and refuses v20), `npm_lifecycle_*`, `npm_package_*`,
// `npm_execpath`, `npm_node_execpath`, `NODE` (the outer node binary), `INIT_CWD`, and PATH entries for
// the project's node_modules/.bin and npm's node-gyp shim. A nested install must see none of that: it
// runs exactly as it would from a plain shell, whoever started setup (npm run, npx, node).
import { delimiter, sep } from 'node:path';

/** Variables npm and npx set for the scripts they run (matched case-insensitively). */
const NPM_VARS = /^(npm_.*|init_cwd|node|node_options|node_path|node_env|color)$/i;

/** PATH entries npm run prepends: every `node_modules/.bin` up the tree and npm's node-gyp shim. */
function isNpmPathEntry(entry) {
  const e = entry.replace(/[\\/]+$/, '');
  return e.endsWith(`${sep}node_modules${sep}.bin`) || e.endsWith(`${sep}node-gyp-bin`);
}

/**
 * @param {{ nodeBinDir?: string, base?: NodeJS.ProcessEnv, extra?: Record<string, string> }} [o]
 *   nodeBinDir: put first on PATH (the Node the child npm and its install scripts run under);
 *   base: the environment to clean (default process.env); extra: set after cleaning.
 * @returns {Record<string, string>}
 */
export function cleanChildEnv({ nodeBinDir, base = process.env, extra = {} } = {}) {
  /** @type {Record<string, string>} */
  const env = {};
  let pathKey = 'PATH';
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || NPM_VARS.test(key)) continue;
    if (key.toUpperCase() === 'PATH') {
      pathKey = key;
      continue;
    }
    env[key] = value;
  }
  const entries = (base[pathKey] ?? '').split(delimiter).filter((e) => e && !isNpmPathEntry(e));
  env[pathKey] = [...(nodeBinDir ? [nodeBinDir] : []), ...entries.filter((e) => e !== nodeBinDir)].join(delimiter);
  return { ...env, ...extra };
}
