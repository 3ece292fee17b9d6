/**
 * The import graph of src/, type-only imports included (ESLint's import-x/no-cycle skips those): no
 * circle, no arrow up (core → ui, ui → extension.ts), and core's shared vocabulary imports no room.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) sources(rel, out);
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** Each file's relative imports (static, type-only, dynamic, re-exports), resolved to files. */
export function importGraph(files: readonly string[], read: (f: string) => string): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const specs = [...read(f).matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']*)'/gm)].map(
      (m) => m[1],
    );
    const targets = specs.map((s) => {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(f), s));
      const hit = [`${base}.ts`, `${base}/index.ts`, base].find((c) => known.has(c));
      assert.ok(hit, `${f}: cannot resolve '${s}'`);
      return hit;
    });
    graph.set(f, [...new Set(targets)]);
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the import graph of src/', () => {
  const files = sources('src');
  const graph = importGraph(files, (f) => fs.readFileSync(path.join(root, f), 'utf8'));
  const arrows = [...graph].flatMap(([from, tos]) => tos.map((to) => ({ from, to })));

  it('has no circle, type-only imports included', () => {
    assert.deepStrictEqual(circles(graph), []);
  });

  it('has no arrow up: core imports no ui, nothing imports extension.ts', () => {
    const up = arrows.filter(
      (a) => (a.from.startsWith('src/core/') && !a.to.startsWith('src/core/')) || a.to === 'src/extension.ts',
    );
    assert.deepStrictEqual(up, []);
  });

  it("core's shared vocabulary (its root files but bulk.ts) imports no room", () => {
    const vocabulary = files.filter((f) => /^src\/core\/[^/]+\.ts$/.test(f) && f !== 'src/core/bulk.ts');
    const out = arrows.filter((a) => vocabulary.includes(a.from) && !vocabulary.includes(a.to));
    assert.deepStrictEqual(out, []);
  });

  it('the circle check finds a circle made of type-only imports', () => {
    const fake: Record<string, string> = {
      'a.ts': "import type { B } from './b';",
      'b.ts': "import type { C } from './c';\nexport const x = () => import('./d');",
      'c.ts': "import { A } from './a';",
      'd.ts': '',
    };
    assert.deepStrictEqual(circles(importGraph(Object.keys(fake), (f) => fake[f])), [['a.ts', 'b.ts', 'c.ts']]);
  });
});
