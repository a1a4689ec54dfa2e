/**
 * Deltas as patches against what each room was last sent: boards that join, take a fresh snapshot or watch
 * two lines must still end up showing exactly the hub's state. Real hub, Redis and socket.io-clients.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { SnapshotDTO } from '../contracts/index.ts';
import { board, post, startHub, testSite, token, type BoardView } from './testing.ts';
import type { App } from './app.ts';

const redisUrl = inject('redisUrl');
const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const tel = token('telephony');
const iso = (ms = 0) => new Date(Date.now() + ms).toISOString();
let n = 0;
const send = (url: string, ev: Record<string, unknown>) => post(url, '/api/v1/events', tel, { id: `bc-${++n}`, at: iso(), ...ev });

/** The figures a board shows that these tests move: what is waiting, per line and on the site. */
function shown(v: SnapshotDTO) {
  return {
    siteInQueue: v.site.live.inQueue,
    siteOffered: v.site.today.offered,
    siteAbandoned: v.site.today.abandoned,
    queues: v.queues.map((q) => ({ id: q.id, inQueue: q.live.inQueue, open: q.open, offered: q.today.offered })).sort((a, b) => a.id.localeCompare(b.id)),
    calls: v.calls.map((c) => `${c.id}:${c.status}`).sort(),
    // Optional fields that come and go: a stale one would show a ringing offer that is gone.
    agents: v.agents.map((a) => ({ id: a.id, state: a.state, reason: a.reason, callId: a.callId, offerCallId: a.offerCallId, missedInRow: a.missedInRow })),
  };
}

/** Waits until the board has had the hub's latest seq, then compares what it shows with the hub's own snapshot. */
async function showsTheHub(app: App, b: BoardView, queues?: string[]): Promise<void> {
  const seq = app.hub.state.seq;
  const v = await b.until((x) => x.seq >= seq, 5000);
  const { snapshot } = await import('../core/index.ts');
  const truth = snapshot(app.hub.state, app.hub.now(), { showNumbers: false, ...(queues ? { queues } : {}) });
  expect(shown(v)).toEqual(shown(truth));
}

describe('given deltas that carry only what changed since the room last heard', () => {
  it('when a figure changes and changes back while a second wallboard joins, then the newcomer shows the hub, not the figure of its snapshot', async () => {
    // A long coalescing interval: the change and its undoing fall into one pending delta.
    const { app, url } = await startHub(redisUrl, testSite(), { deltaIntervalMs: 800 });
    cleanup.push(() => app.close());
    const first = await board(url, token('supervisor', { userId: 'tv-a' }));
    cleanup.push(() => first.socket.disconnect());

    await send(url, { type: 'call.offered', callId: 'k1', queue: 'booking', direction: 'inbound' });
    await first.until((v) => v.site.live.inQueue === 1);
    // Within the interval: a second call waits (the newcomer's snapshot shows 2), then hangs up.
    await send(url, { type: 'call.offered', callId: 'k2', queue: 'booking', direction: 'inbound' });
    const second = await board(url, token('supervisor', { userId: 'tv-b' }));
    cleanup.push(() => second.socket.disconnect());
    expect(second.view!.site.live.inQueue).toBe(2);
    await send(url, { type: 'call.abandoned', callId: 'k2' });

    await showsTheHub(app, first);
    await showsTheHub(app, second);
    expect(second.view!.site.live.inQueue).toBe(1);
    expect(second.view!.calls.map((c) => c.id)).toEqual(['k1']);
    // After the whole versions that followed the join, patches again: the next change is a small delta.
    const before = second.deltas.length;
    await send(url, { type: 'call.abandoned', callId: 'k1' });
    await showsTheHub(app, second);
    const last = second.deltas.slice(before).find((d) => d.site !== undefined)!;
    expect(last.site!.name).toBeUndefined();
    expect(last.site!.live!.inQueue).toBe(0);
    expect(last.removedCalls).toEqual(['k1']);
  });

  it('when a wallboard joins while an offer rings and the caller then hangs up, then the board no longer shows the offer', async () => {
    const { app, url } = await startHub(redisUrl, testSite({ offerTimeoutSec: 15 }), { deltaIntervalMs: 50 });
    cleanup.push(() => app.close());
    await send(url, { type: 'agent.login', agentId: 'a2' });
    await send(url, { type: 'agent.state', agentId: 'a2', state: 'available' });
    await send(url, { type: 'call.offered', callId: 'o1', queue: 'booking', direction: 'inbound' });
    expect(app.hub.state.agents.get('a2')!.offerCallId).toBe('o1');
    const tv = await board(url, token('supervisor', { userId: 'tv-o' }));
    cleanup.push(() => tv.socket.disconnect());
    expect(tv.view!.agents.find((a) => a.id === 'a2')!.offerCallId).toBe('o1');
    // The caller hangs up while it rings: the offer is withdrawn, a2 is available again.
    await send(url, { type: 'call.abandoned', callId: 'o1' });
    await tv.until((v) => v.calls.length === 0, 5000);
    await showsTheHub(app, tv);
    expect(app.hub.state.agents.get('a2')!.state).toBe('available');
    expect(tv.view!.agents.find((a) => a.id === 'a2')!.offerCallId).toBeUndefined();
  });

  it('when a supervisor watches two lines and a TV one of them, then the deltas of both rooms (which may share a seq) add up to the hub for each', async () => {
    const { app, url } = await startHub(redisUrl, testSite(), { deltaIntervalMs: 50 });
    cleanup.push(() => app.close());
    const lines = ['advice', 'booking'];
    const sup = await board(url, token('supervisor', { userId: 'two-lines' }), { queues: lines });
    const tv = await board(url, token('supervisor', { userId: 'one-line' }), { queues: ['booking'] });
    cleanup.push(() => sup.socket.disconnect(), () => tv.socket.disconnect());
    for (let i = 0; i < 12; i++) {
      const queue = lines[i % 2]!;
      await send(url, { type: 'call.offered', callId: `m${i}`, queue, direction: 'inbound' });
      if (i % 3 === 2) await send(url, { type: 'call.abandoned', callId: `m${i - 1}` });
    }
    await new Promise((r) => setTimeout(r, 150));
    await showsTheHub(app, sup, lines);
    await showsTheHub(app, tv, ['booking']);
    expect(sup.view!.site.today.offered).toBe(12);
    expect(sup.view!.calls).toHaveLength(8);
  });

  it('when a board asks for a fresh snapshot (a resync), then the deltas after it still add up to the hub', async () => {
    const { app, url } = await startHub(redisUrl, testSite(), { deltaIntervalMs: 600 });
    cleanup.push(() => app.close());
    const tv = await board(url, token('supervisor', { userId: 'tv-r' }));
    const other = await board(url, token('supervisor', { userId: 'tv-s' }));
    cleanup.push(() => tv.socket.disconnect(), () => other.socket.disconnect());
    await send(url, { type: 'call.offered', callId: 'r1', queue: 'advice', direction: 'inbound' });
    await tv.until((v) => v.site.live.inQueue === 1);
    await send(url, { type: 'call.offered', callId: 'r2', queue: 'advice', direction: 'inbound' });
    // The resync's snapshot holds r2; r2 leaves again before the room's next delta.
    const snap = await new Promise<SnapshotDTO>((resolve) => tv.socket.emit('snapshot:get', (r) => r.ok && resolve(r.data)));
    tv.replace(snap);
    expect(snap.site.live.inQueue).toBe(2);
    await send(url, { type: 'call.abandoned', callId: 'r2' });
    await showsTheHub(app, tv);
    await showsTheHub(app, other);
    expect(tv.view!.site.live.inQueue).toBe(1);
  });
});
