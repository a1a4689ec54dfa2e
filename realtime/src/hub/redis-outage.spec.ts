/**
 * The hub's Redis goes away while calls come in: the hub keeps applying events and running its timers
 * (an unanswered offer still times out), holds the answers to the sources, and once Redis is back writes
 * everything to the log in order and answers. A private redis-server, killed and started again.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { client, cmd, post, privateRedis, startHub, testSite, token } from './testing.ts';

describe('given a hub whose Redis goes away for a few seconds', () => {
  it('when a call comes in meanwhile, then its offer still times out, and the source is answered once Redis is back, with everything in the log in order', async () => {
    let redis = await privateRedis();
    const port = redis.port;
    // One hub process: no Socket.IO adapter (its pub/sub would only retry in the background).
    const { app, url, streamKey } = await startHub(redis.url, testSite({ offerTimeoutSec: 1 }), { redisAdapter: false, checkpointEveryMs: 0 });
    const a1 = await client(url, token('agent', { userId: 'a1', agentId: 'a1' }));
    try {
      const first = await cmd(a1, 'agent:setState', { state: 'available' });
      expect(first.ok).toBe(true);
      expect(first.data.unsaved).toBeUndefined();
      redis.kill();
      const tel = token('telephony');
      let answered = false;
      const sent = post(url, '/api/v1/events', tel, { id: 'out-1', type: 'call.offered', at: Date.now(), callId: 'oc1', queue: 'booking', direction: 'inbound' }).then((r) => {
        answered = true;
        return r;
      });
      // The hub applied it and offered the call to a1; with Redis still away the offer rings out, the call
      // goes back to a1 and rings out again: a1 is set to `missed` after 2 (the timers did not wait for Redis).
      await new Promise((r) => setTimeout(r, 3500));
      expect(app.hub.state.calls.get('oc1')?.status).toBe('waiting');
      expect(app.hub.state.agents.get('a1')).toMatchObject({ missedInRow: 2, state: 'notReady', reason: 'missed' });
      expect(answered).toBe(false);

      // A console command meanwhile is answered "applied, not saved yet", not left to the console's time-out
      // (after which a supervisor would do again what was done).
      const during = await cmd(a1, 'agent:setState', { state: 'break' });
      expect(during).toMatchObject({ ok: true, data: { unsaved: true } });
      expect(app.hub.state.agents.get('a1')!.state).toBe('break');

      redis = await privateRedis(port);
      const r = await sent;
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ accepted: 1, duplicates: 0 });
      // Answered only once written, in order: everything before it is in the log too.
      expect((await cmd(a1, 'agent:setState', { state: 'available' })).data.unsaved).toBeUndefined();
      // The restarted Redis is empty: it holds what the hub wrote after, in order: the call, then the offers
      // and their time-outs.
      const admin = new Redis(redis.url);
      const entries = (await admin.xrange(streamKey, '-', '+')) as [string, string[]][];
      admin.disconnect();
      const logged = entries.flatMap(([, f]) => JSON.parse(f[1]!) as { type: string; reason?: string }[]);
      expect(logged.map((e) => e.type).slice(0, 5)).toEqual(['call.offered', 'offer.created', 'offer.rejected', 'offer.created', 'offer.rejected']);
      expect(logged[4]!.reason).toBe('timeout');
      // ...and the command's events, written once Redis was back.
      const ids = new Set(entries.flatMap(([, f]) => JSON.parse(f[1]!) as { id: string }[]).map((e) => e.id));
      for (const id of during.data.events as string[]) expect(ids.has(id)).toBe(true);
    } finally {
      a1.disconnect();
      await app.close();
      redis.kill();
    }
  }, 30_000);
});
