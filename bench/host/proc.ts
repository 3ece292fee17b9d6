/** Linux /proc readings of another process (the extension host): CPU time and memory. */
import { readdirSync, readFileSync, writeFileSync } from 'fs';

/** Clock ticks per second for utime/stime (USER_HZ: 100 on every Linux this runs on). */
const TICKS = 100;

export interface ProcSample {
  /** user + system CPU time, ms. */
  cpuMs: number;
  rssBytes: number;
  /** Peak RSS so far (VmHWM). */
  hwmBytes: number;
}

/** user + system CPU time (ms) from a /proc/<pid>/stat line. */
function cpuOf(stat: string): number {
  // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

export function sample(pid: number): ProcSample {
  const cpuMs = cpuOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { cpuMs, rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0: write 5 to clear_refs), so a peak can be read per phase. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU time (ms) of every process on the machine, by pid, with its command name. */
export function sampleAll(): Map<number, { name: string; cpuMs: number }> {
  const out = new Map<number, { name: string; cpuMs: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = label(Number(entry), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
      out.set(Number(entry), { name, cpuMs: cpuOf(stat) });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** CPU each process name used between two `sampleAll()`s, largest first (processes new since `a` count whole). */
export function cpuBetween(
  a: Map<number, { name: string; cpuMs: number }>,
  b: Map<number, { name: string; cpuMs: number }>,
): Array<{ name: string; cpuMs: number }> {
  const byName = new Map<string, number>();
  for (const [pid, s] of b) {
    const used = s.cpuMs - (a.get(pid)?.cpuMs ?? 0);
    if (used > 0) byName.set(s.name, (byName.get(s.name) ?? 0) + used);
  }
  return [...byName].map(([name, cpuMs]) => ({ name, cpuMs })).sort((x, y) => y.cpuMs - x.cpuMs);
}

/** A readable name for a process of the bench: what it is, not just "node". */
function label(pid: number, comm: string): string {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return comm;
  }
  const line = argv.join(' ');
  if (line.includes('emulator/cli.ts')) return 'emulator';
  // `npm run bench -- --host` runs bench/run.ts, which hands over to bench/host/run.ts in-process
  if (/bench\/(host\/)?run\.ts/.test(line)) return 'bench (lister)';
  if (line.includes('extensionHost') || line.includes('bootstrap-fork')) return 'extension host';
  if (line.includes('code-server')) return 'code-server';
  const type = /--type=([\w-]+)/.exec(line)?.[1];
  if (/chrom/i.test(comm) || /chrom/i.test(argv[0] ?? '')) return type ? `chromium ${type}` : 'chromium';
  return comm;
}
