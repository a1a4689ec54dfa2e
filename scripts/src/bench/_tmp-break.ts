import pino from 'pino';
import { parseCtiEvent } from '../../../realtime/src/contracts/index.ts';
import { createState, evolve, route } from '../../../realtime/src/core/index.ts';
import { Hub, MemoryEventLog } from '../../../realtime/src/hub/index.ts';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import { generateTraffic, batches } from './lib.ts';
const site = demoSite(50);
for (const fmtT of ['iso', 'ms'] as const) {
const tr = generateTraffic(site, { events: 200_000, timeFormat: fmtT });
for (let rep = 0; rep < 2; rep++) {
let t = performance.now();
const parsed = tr.events.map((e) => { const p = parseCtiEvent(e); if (!p.ok) throw new Error(); return p.event; });
const parseMs = performance.now() - t;
const s = createState(site);
t = performance.now();
let n = 0;
for (const e of parsed) { if (evolve(s, e) !== null) throw new Error('rej'); if (++n % 500 === 0) route(s, Date.now(), () => 'h' + n++); }
const evolveMs = performance.now() - t;
const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }) });
t = performance.now();
for (const b of batches(tr.events, 500)) hub.apply(b);
const applyMs = performance.now() - t;
console.log(fmtT, rep, { parseMs, evolveMs, applyMs, parseRate: 200000 / parseMs * 1000, evolveRate: 200000 / evolveMs * 1000, applyRate: 200000 / applyMs * 1000 });
}}
