/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time and
 * the most inclusive time, with file:line, so a hot spot can be named precisely.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/src/bench/ingest.ts --inproc-only
 *   npx tsx scripts/src/bench/cpuprofile.ts /tmp/prof/CPU.*.cpuprofile [--top 25] [--filter realtime/src]
 */
import { readFileSync } from 'node:fs';
import { args, printTable } from './lib.ts';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function label(n: Node): string {
  const f = n.callFrame;
  const file = f.url.replace(/^file:\/\//, '').replace(/^.*?\/(realtime|scripts|node_modules)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
}

export function summarise(path: string, top: number, filter?: string): void {
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Time per node from the samples (µs).
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + dt);
  }
  let total = 0;
  for (const v of selfUs.values()) total += v;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const l = label(n);
    self.set(l, (self.get(l) ?? 0) + us);
    // Inclusive: each distinct label on the stack once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const lab = label(byId.get(cur)!);
      if (seen.has(lab)) continue;
      seen.add(lab);
      incl.set(lab, (incl.get(lab) ?? 0) + us);
    }
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .filter(([l]) => !filter || l.includes(filter))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([l, us]) => [l.length > 110 ? l.slice(0, 107) + '...' : l, (us / 1000).toFixed(0), ((100 * us) / total).toFixed(1)]);
  console.log(`${path}: ${(total / 1000).toFixed(0)} ms sampled`);
  printTable('self time', [['function', 'ms', '%'], ...rows(self)]);
  printTable('inclusive time', [['function', 'ms', '%'], ...rows(incl)]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const a = args();
  if (a.positional.length === 0) {
    console.error('usage: cpuprofile.ts FILE.cpuprofile... [--top N] [--filter TEXT]');
    process.exit(1);
  }
  for (const f of a.positional) summarise(f, a.num('top', 30), a.get('filter'));
}
