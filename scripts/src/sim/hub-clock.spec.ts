import { describe, expect, inject, it } from 'vitest';
import { startHub } from '../../../realtime/src/hub/testing.ts';
import { fetchHubClock, planClock } from './hub-clock.ts';

describe('the simulator keeps its clock in step with the hub', () => {
  it('given a hub at x60, when the simulator gets no --speed, then it runs at x60 from the hub\'s time', () => {
    const p = planClock({ mode: 'wall', speed: 60, now: 1_000_000 }, undefined, undefined);
    expect(p).toEqual({ ok: true, speed: 60, start: 1_000_000 });
  });

  it('given a hub at x60, when the simulator is asked for x10, then it refuses and says how to fix it', () => {
    const p = planClock({ mode: 'wall', speed: 60, now: 0 }, 10, undefined);
    expect(p.ok).toBe(false);
    expect(!p.ok && p.error).toContain('CALLBOARD_SPEED=10');
  });

  it('given a real-time hub, when the simulator runs at x1, then nothing changes', () => {
    expect(planClock({ mode: 'wall', speed: 1, now: 5 }, undefined, undefined)).toEqual({ ok: true, speed: undefined, start: undefined });
    expect(planClock({ mode: 'wall', speed: 1, now: 5 }, 1, 123)).toEqual({ ok: true, speed: 1, start: 123 });
  });

  it('given a hub on the event clock or one that does not say, when the speed is not 1, then the event-clock hub follows and the other gets a note', () => {
    expect(planClock({ mode: 'event', speed: 1, now: 5 }, 60, undefined)).toEqual({ ok: true, speed: 60, start: undefined });
    expect(planClock(undefined, 60, undefined)).toMatchObject({ ok: true, speed: 60, note: expect.stringContaining('differ') });
  });

  it('given a real hub started with clockSpeed 60, when its clock is read, then /healthz reports x60 and its time runs ahead of the machine\'s', async () => {
    const { app, url } = await startHub(inject('redisUrl'), undefined, { clockSpeed: 60 });
    try {
      const before = Date.now();
      await new Promise((r) => setTimeout(r, 200));
      const c = await fetchHubClock(url);
      expect(c?.mode).toBe('wall');
      expect(c?.speed).toBe(60);
      // 200 ms of machine time is 12 s of hub time at x60.
      expect(c!.now - before).toBeGreaterThan(6_000);
      expect(app.hub.now()).toBeGreaterThan(Date.now() + 6_000);
    } finally {
      await app.close();
    }
  });

  it('given a hub at x60 whose log runs ahead of the machine, when it restarts, then its clock goes on from the last event instead of going back', async () => {
    const { app, streamKey } = await startHub(inject('redisUrl'), undefined, { clockSpeed: 60 });
    // Four minutes ahead of the hub's clock (within the five the hub allows for clock skew): a log whose
    // last event is ahead of the machine's time, as a x60 demo's log is after a few minutes.
    const ahead = app.hub.now() + 4 * 60_000;
    let again: Awaited<ReturnType<typeof startHub>> | undefined;
    try {
      const r = await app.hub.ingest([{ id: 'ahead-1', type: 'agent.login', at: ahead, agentId: 'a1' }]);
      expect(r.accepted).toBe(1);
      await app.close();
      again = await startHub(inject('redisUrl'), undefined, { clockSpeed: 60, streamKey });
      expect(again.app.hub.state.clock).toBe(ahead);
      expect(again.app.hub.now()).toBeGreaterThanOrEqual(ahead);
      const c = await fetchHubClock(again.url);
      expect(c!.now).toBeGreaterThanOrEqual(ahead);
    } finally {
      await (again?.app ?? app).close().catch(() => {});
    }
  });
});
