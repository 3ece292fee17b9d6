/**
 * Summarises .cpuprofile files (from `npm run bench -- --host --profile DIR` or `node --cpu-prof`):
 * the top functions by self time (file:function:line), the top by total time restricted to
 * the extension's own bundle, and the longest stretches the thread never went idle (a proxy for
 * event-loop blocks: consecutive samples outside "(idle)" / "(program)").
 *
 *   node --import tsx bench/host/top.ts <file.cpuprofile>... [--n 12] [--match REGEXP]  (default: our bundle, dist/extension.mjs and dist/chunks/*.mjs)
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const where = (n: Node) =>
  `${path.basename(n.callFrame.url) || '(native)'}:${n.callFrame.functionName || '(anonymous)'}:${n.callFrame.lineNumber + 1}`;

const OURS = String.raw`/dist/(extension\.mjs|chunks/[^/]+\.mjs)$`;

export function summarise(file: string, top = 12, match = OURS): string {
  const ours = new RegExp(match);
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  let busy = 0;
  let run = 0;
  let runStart = 0;
  const runs: Array<{ ms: number; at: number; top: string }> = [];
  let t = p.startTime;
  let runTop = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    t += p.timeDeltas[i] ?? 0;
    all += dt;
    const n = byId.get(p.samples[i])!;
    const name = n.callFrame.functionName;
    const idle = name === '(idle)' || name === '(program)' || name === '(garbage collector)';
    if (name === '(idle)') {
      if (run > 0) {
        const heaviest = [...runTop].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
        runs.push({ ms: run, at: (runStart - p.startTime) / 1000, top: heaviest });
      }
      run = 0;
      runTop = new Map();
      continue;
    }
    if (run === 0) runStart = t;
    run += dt;
    if (!idle) busy += dt;
    const k = where(n);
    self.set(k, (self.get(k) ?? 0) + dt);
    // Total time of our own functions: every frame of the bundle on the stack, once per sample.
    const seen = new Set<string>();
    let ownLeaf: string | undefined;
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!;
      if (!ours.test(f.callFrame.url)) continue;
      const key = where(f);
      ownLeaf ??= key;
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + dt);
    }
    if (ownLeaf) runTop.set(ownLeaf, (runTop.get(ownLeaf) ?? 0) + dt);
  }
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, v]) =>
          `    ${v.toFixed(0).padStart(7)} ms  ${((100 * v) / Math.max(1, busy)).toFixed(1).padStart(5)}%  ${k}`,
      )
      .join('\n');
  runs.sort((a, b) => b.ms - a.ms);
  return [
    `${path.basename(file)}: ${(all / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s on the CPU (JS + native, GC and "(program)" excluded)`,
    `  self time, top ${top}:`,
    fmt(self),
    `  total time in our code (${match}, inclusive), top ${top}:`,
    fmt(total),
    `  longest busy stretches (no idle sample between; ≈ event-loop blocks):`,
    runs
      .slice(0, 5)
      .map(
        (r) =>
          `    ${r.ms.toFixed(0).padStart(7)} ms at +${(r.at / 1000).toFixed(2)} s, mostly in ${r.top || '(outside the bundle)'}`,
      )
      .join('\n'),
  ].join('\n');
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    options: { n: { type: 'string', default: '12' }, match: { type: 'string', default: OURS } },
    allowPositionals: true,
  });
  for (const f of positionals) console.log(summarise(f, Number(values.n), values.match) + '\n');
}
