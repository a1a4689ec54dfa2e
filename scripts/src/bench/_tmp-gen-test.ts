import pino from 'pino';
import { Hub, MemoryEventLog } from '../../../realtime/src/hub/index.ts';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import { generateTraffic, batches } from '../../../scripts/src/bench/lib.ts';
const site = demoSite(50);
let t = performance.now();
const tr = generateTraffic(site, { events: 200_000 });
console.log('gen ms', performance.now() - t, tr.events.length, tr.calls, tr.answered, tr.abandoned, tr.spanMs / 3600e3, tr.counts);
for (const clock of ['wall', 'event'] as const) {
const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock });
t = performance.now();
const reasons = new Map<string, number>();
for (const b of batches(tr.events, 500)) {
  const { result } = hub.apply(b);
  for (const r of result.rejected) { const k = r.errors[0]!.replace(/[a-z]*\d+/g, 'N'); reasons.set(k, (reasons.get(k) ?? 0) + 1); }
}
const ms = performance.now() - t;
console.log(clock, 'apply ms', ms, 'ev/s', tr.events.length / ms * 1000, hub.counts, reasons);
}
