import pino from 'pino';
import { Hub, MemoryEventLog, createHubMetrics } from '../../../realtime/src/hub/index.ts';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import { generateTraffic, batches } from './lib.ts';
const site = demoSite(50);
const probe = generateTraffic(site, { events: 150_000 });
for (const [name, clock, start] of [['event/march', 'event', undefined], ['wall/march', 'wall', undefined], ['wall/ends-now', 'wall', Date.now() - probe.spanMs], ['event/ends-now', 'event', Date.now() - probe.spanMs]] as const) {
  const tr = generateTraffic(site, { events: 150_000, start });
  for (let rep = 0; rep < 2; rep++) {
    const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock, metrics: createHubMetrics(false) });
    const t = performance.now();
    let dec = 0;
    for (const b of batches(tr.events, 500)) dec += hub.apply(b).logged.length;
    const ms = performance.now() - t;
    console.log(name, rep, Math.round(tr.events.length / ms * 1000), 'ev/s', hub.counts, 'logged-accepted', dec - hub.counts.accepted);
  }
}
