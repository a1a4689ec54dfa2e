/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time and
 * the most inclusive time, with file:line, so a hot spot can be named precisely.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/bench/ingest.ts --inproc-only
 *   npx tsx scripts/bench/cpuprofile.ts /tmp/prof/CPU.*.cpuprofile [--top 25] [--filter realtime/src] [--under applyOnce]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * tsx compiles each module to one line, so its profiles only name functions. For line numbers, profile
 * an esbuild bundle instead (see docs/PERFORMANCE.md); this maps a bundle line back to the source file
 * (esbuild writes `// path/to/file.ts` before each module) and to the source line with the same text.
 */
const bundles = new Map<string, { lines: string[]; file: (string | undefined)[] } | null>();
const sources = new Map<string, string[] | null>();
function mapBundleLine(path: string, line: number, name: string): string | undefined {
  let b = bundles.get(path);
  if (b === undefined) {
    try {
      const lines = readFileSync(path, 'utf8').split('\n');
      const file: (string | undefined)[] = [];
      let cur: string | undefined;
      for (const l of lines) {
        const m = /^\/\/ ((?:realtime|scripts|queue-workers|console)\/\S+\.ts)$/.exec(l);
        if (m) cur = m[1];
        file.push(cur);
      }
      b = { lines, file };
    } catch {
      b = null;
    }
    bundles.set(path, b);
  }
  if (!b) return undefined;
  const src = b.file[line];
  if (!src) return undefined;
  let sl = sources.get(src);
  if (sl === undefined) {
    try {
      sl = readFileSync(join(root, src), 'utf8').split('\n');
    } catch {
      sl = null;
    }
    sources.set(src, sl);
  }
  const text = b.lines[line]?.trim();
  if (!sl || !text) return src;
  let i = sl.findIndex((x) => x.trim() === text);
  if (i < 0 && name) {
    // Types were stripped from the bundle: find the declaration by name instead.
    const decl = new RegExp(`function\\*?\\s+${name}\\b|\\b(const|let|var)\\s+${name}\\s*=|^\\s*(async\\s+)?(private\\s+|static\\s+)*${name}\\s*[(<]`);
    const any = new RegExp(`\\b${name}\\s*[(=:<]`);
    i = sl.findIndex((x) => decl.test(x));
    if (i < 0) i = sl.findIndex((x) => any.test(x));
  }
  return i >= 0 ? `${src}:${i + 1}` : src;
}
const root = fileURLToPath(new URL('../../', import.meta.url));

function label(n: Node): string {
  const f = n.callFrame;
  const path = f.url.replace(/^file:\/\//, '');
  let file = path.replace(/^.*?\/(realtime|scripts|node_modules)\//, '$1/');
  if (!f.functionName && f.lineNumber === 0 && path) return `(module top level) ${file}`;
  if (path.endsWith('.mjs') && !path.includes('node_modules')) file = mapBundleLine(path, f.lineNumber, f.functionName) ?? `${file}:${f.lineNumber + 1}`;
  else if (file) file = `${file}:${f.lineNumber + 1}`;
  return `${f.functionName || '(anonymous)'} ${file}`.trim();
}

export function summarise(path: string, top: number, filter?: string, under?: string): void {
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
  const hasAncestor = (id: number, name: string) => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)!.callFrame.functionName === name) return true;
    return false;
  };
  if (under) {
    total = 0;
    for (const [id, us] of selfUs) if (hasAncestor(id, under)) total += us;
  }
  for (const [id, us] of selfUs) {
    if (under && !hasAncestor(id, under)) continue;
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
  console.log(`${path}: ${(total / 1000).toFixed(0)} ms sampled${under ? ` under ${under}()` : ''}`);
  printTable('self time', [['function', 'ms', '%'], ...rows(self)]);
  printTable('inclusive time', [['function', 'ms', '%'], ...rows(incl)]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const a = args();
  if (a.positional.length === 0) {
    console.error('usage: cpuprofile.ts FILE.cpuprofile... [--top N] [--filter TEXT]');
    process.exit(1);
  }
  for (const f of a.positional) summarise(f, a.num('top', 30), a.get('filter'), a.get('under'));
}
