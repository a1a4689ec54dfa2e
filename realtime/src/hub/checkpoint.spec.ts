/**
 * Checkpoints: a hub restarted from a checkpoint plus the log after it has exactly the state of a hub
 * that replayed the whole log (and of the hub that wrote them); the log behind a checkpoint is trimmed
 * only past the retention; a changed site configuration is applied to a checkpointed state.
 */
import pino from 'pino';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { generateTraffic } from '../../../scripts/bench/lib.ts';
import { METRIC_FORMULAS, parseSiteConfig, type SiteConfig } from '../contracts/index.ts';
import { dumpState, loadState, queryMetrics, snapshot } from '../core/index.ts';
import { demoSite, demoSiteInput } from '../site/demo-site.ts';
import { MemoryEventLog, RedisEventLog } from './event-log.repository.ts';
import { Hub } from './hub.service.ts';
import { startCheckpointer } from './checkpointer.ts';
import { get, post, startHub, token } from './testing.ts';

const logger = pino({ level: 'silent' });
const site = demoSite(4); // 16 agents, hub-routed lines: offers ring, calls wait, timers run
const traffic = generateTraffic(site, { events: 6000, seed: 11, load: 1.1 });

function newHub(log: MemoryEventLog | RedisEventLog, config: SiteConfig = site): Hub {
  return new Hub({ config, log, logger, clock: 'event' });
}

/** The dump of a hub's state, without the routing triggers (pending work that a replay leaves set and a live hub has consumed). */
function picture(hub: Hub): string {
  return JSON.stringify({ ...dumpState(hub.state), routeQueues: [], routeAgents: [] });
}

async function feed(hub: Hub, events: readonly unknown[], from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 200) await hub.ingest(events.slice(i, Math.min(to, i + 200)));
}

describe('given a hub that took a checkpoint in the middle of a busy morning', () => {
  const log = new MemoryEventLog();
  const writer = newHub(log);
  const half = Math.floor(traffic.events.length / 2);

  it('when another hub starts from the checkpoint and the log after it, then its state equals the writer\'s and a full replay\'s', async () => {
    await feed(writer, traffic.events, 0, half);
    // The checkpoint must hold live work, or it proves little.
    expect(writer.state.calls.size).toBeGreaterThan(0);
    expect(writer.state.timed.size + [...writer.state.queues.values()].reduce((n, q) => n + q.waiting.length, 0)).toBeGreaterThan(0);
    const cp = await writer.checkpoint();
    expect(cp).not.toBeNull();
    await feed(writer, traffic.events, half, traffic.events.length);

    // Same configuration: nothing to reconcile, so no warning that it changed (an empty list once logged one).
    const warnings: string[] = [];
    const restored = new Hub({ config: site, log, logger: pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) }), clock: 'event' });
    const r = await restored.rebuild();
    expect(warnings).toEqual([]);
    expect(r.checkpoint).toBe(cp!.id);
    expect(r.events).toBeLessThan(traffic.events.length * 0.7); // only the tail was replayed
    expect(r.failed).toBe(0);

    const full = newHub(Object.assign(new MemoryEventLog(), { batches: log.batches }));
    const f = await full.rebuild();
    expect(f.checkpoint).toBeNull();

    const want = picture(writer);
    expect(picture(restored) === want).toBe(true);
    expect(picture(full) === want).toBe(true);
    const now = writer.state.clock;
    expect(snapshot(restored.state, now, { showNumbers: true })).toEqual(snapshot(writer.state, now, { showNumbers: true }));
    for (const scope of ['site', 'queue'] as const) {
      const q = scope === 'queue' ? { scope, id: 'vaccine-booking', window: 30 } : { scope, window: 30 };
      expect(queryMetrics(restored.state, q, now, METRIC_FORMULAS)).toEqual(queryMetrics(writer.state, q, now, METRIC_FORMULAS));
    }
  });

  it('when the restored hub is sent events it already applied, then they are duplicates (idempotency survives)', async () => {
    const restored = newHub(log);
    await restored.rebuild();
    const r = restored.apply(traffic.events.slice(0, 50));
    expect(r.result.duplicates).toBe(50);
    expect(r.result.accepted).toBe(0);
  });

  it('when the checkpoint keeps only the newest event ids, then those stay duplicates and older ones are checked by the state instead', async () => {
    const l = new MemoryEventLog();
    const h = new Hub({ config: site, log: l, logger, clock: 'event', checkpointDedupeIds: 40 });
    await feed(h, traffic.events, 0, 400);
    await h.checkpoint();
    const r = newHub(l);
    await r.rebuild();
    expect(r.apply(traffic.events.slice(360, 400)).result.duplicates).toBe(40);
    const older = r.apply(traffic.events.slice(0, 40)).result;
    expect(older.duplicates).toBe(0);
    expect(older.accepted).toBeLessThan(40); // most are impossible now (calls already exist or ended)
  });

  it('when the site configuration changed since, then new agents and line settings apply and live calls stay', async () => {
    const input = demoSiteInput(4);
    input.agents!.push({ id: 'new1', name: 'Nguyễn Văn Mới', teamId: input.agents![0]!.teamId, queues: ['vaccine-booking'] });
    input.queues = input.queues!.map((q) => (q.id === 'advice' ? { ...q, name: 'Advice & FAQ', wrapupSec: 45 } : q));
    const changed = parseSiteConfig(input);
    const live = writer.state.calls.size;
    const { state, reconciled } = loadState(changed, JSON.parse(JSON.stringify(dumpState(writer.state))));
    expect(reconciled).toContain('agent new1 added');
    expect(state.agents.get('new1')?.state).toBe('offline');
    expect(state.queues.get('vaccine-booking')!.members.has('new1')).toBe(true);
    expect(state.queues.get('advice')!.name).toBe('Advice & FAQ');
    expect(state.queues.get('advice')!.wrapupSec).toBe(45);
    expect(state.calls.size).toBe(live);
  });

  it('when the checkpointer runs with a retention, then the log keeps what is younger than the retention or after the checkpoint', async () => {
    const l = new MemoryEventLog();
    const h = newHub(l);
    await feed(h, traffic.events, 0, 1000);
    const entries = l.batches.length;
    // ids of the memory log are `n-0`: a "now" of 3 and a retention of 1 keep entries from id 2 on.
    const keepAll = startCheckpointer({ hub: h, log: l, logger, everyMs: 0, retentionMs: 0 });
    await keepAll.stop();
    expect(l.batches.length).toBe(entries);
    const c = startCheckpointer({ hub: h, log: l, logger, everyMs: 0, retentionMs: 1, now: () => 3 });
    await c.stop();
    expect(l.batches.length).toBe(entries - 1);
  });
});

const redisUrl = inject('redisUrl');
describe('given a hub on Redis that was stopped cleanly after live traffic', () => {
  const redis = new Redis(redisUrl);
  afterAll(async () => {
    await redis.quit();
  });

  it('when it starts again, then it loads the checkpoint, replays nothing, and answers the same snapshot; the trimmed log still rebuilds', async () => {
    const live = generateTraffic(site, { events: 1500, seed: 5, endAt: Date.now() - 1000, timeFormat: 'ms', idPrefix: 'r' });
    const first = await startHub(redisUrl, demoSiteInput(4), { checkpointEveryMs: 0, logRetentionMs: 0 });
    for (let i = 0; i < live.events.length; i += 300) {
      const r = await post(first.url, '/api/v1/events', token('telephony'), live.events.slice(i, i + 300));
      expect(r.status).toBe(200);
    }
    const before = (await get(first.url, '/api/v1/snapshot', token('supervisor'))).json;
    const entries = await redis.xlen(first.streamKey);
    await first.app.close(); // takes the checkpoint
    expect(await redis.hget(`${first.streamKey}:checkpoint`, 'id')).toMatch(/^\d+-\d+$/);

    const second = await startHub(redisUrl, demoSiteInput(4), { streamKey: first.streamKey, checkpointEveryMs: 0, logRetentionMs: 1 });
    try {
      const after = (await get(second.url, '/api/v1/snapshot', token('supervisor'))).json;
      expect(after.seq).toBe(before.seq);
      expect(after.agents.map((a: { id: string; state: string }) => [a.id, a.state])).toEqual(before.agents.map((a: { id: string; state: string }) => [a.id, a.state]));
      expect(after.queues.map((q: { today: unknown }) => q.today)).toEqual(before.queues.map((q: { today: unknown }) => q.today));
      // A checkpoint with a retention of 1 ms trims everything it covers.
      const cp = await second.app.checkpointer.run();
      expect(cp).not.toBeNull();
      expect(await redis.xlen(first.streamKey)).toBeLessThan(entries);
    } finally {
      await second.app.close();
    }
    const third = await startHub(redisUrl, demoSiteInput(4), { streamKey: first.streamKey, checkpointEveryMs: 0 });
    try {
      const again = (await get(third.url, '/api/v1/snapshot', token('supervisor'))).json;
      expect(again.seq).toBe(before.seq);
    } finally {
      await third.app.close();
      await redis.del(first.streamKey, `${first.streamKey}:checkpoint`);
    }
  });
});
