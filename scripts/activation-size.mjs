// What activation loads from a build: dist/extension.mjs and every chunk it imports statically (the
// commands that load on first use, and what only they use, are left out), beside the whole build.
// Read from the files themselves, so `npm run build` and `npm run bench` report the same numbers.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** `{ loaded, all }`: bytes and file counts, or undefined when dist/extension.mjs is not built. */
export function activationSize(dist) {
  const entry = join(dist, 'extension.mjs');
  if (!existsSync(entry)) return undefined;
  const loaded = new Set();
  for (const stack = [entry]; stack.length;) {
    const file = stack.pop();
    if (loaded.has(file)) continue;
    loaded.add(file);
    // Static imports, minified or not: `from"./chunks/x.mjs"`, `import "./x.mjs"` (never `import(`).
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+\.mjs)["']/g))
      stack.push(resolve(dirname(file), m[1]));
  }
  const chunks = join(dist, 'chunks');
  const all = [
    entry,
    ...(existsSync(chunks) ? readdirSync(chunks).filter((f) => f.endsWith('.mjs')) : []).map((f) => join(chunks, f)),
  ];
  const bytes = (files) => [...files].reduce((n, f) => n + statSync(f).size, 0);
  return { loaded: { bytes: bytes(loaded), files: loaded.size }, all: { bytes: bytes(all), files: all.length } };
}

/**
 * From an esbuild metafile (`--metafile`): the bytes each source file adds to what activation loads (the
 * entry and the chunks it imports statically), biggest first.
 */
export function activationInputs(metafile) {
  const entry = Object.keys(metafile.outputs).find((o) => metafile.outputs[o].entryPoint === 'src/extension.ts');
  const loaded = new Set();
  for (const stack = [entry]; stack.length;) {
    const out = stack.pop();
    if (loaded.has(out)) continue;
    loaded.add(out);
    for (const i of metafile.outputs[out].imports) if (i.kind === 'import-statement' && !i.external) stack.push(i.path);
  }
  const bytes = new Map();
  for (const out of loaded)
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[out].inputs))
      if (bytesInOutput > 0) bytes.set(input, (bytes.get(input) ?? 0) + bytesInOutput);
  return [...bytes].map(([input, n]) => ({ input, bytes: n })).sort((a, b) => b.bytes - a.bytes);
}
