/**
 * `queue:remove`: a line that a call created for an id the configuration does not name
 * (`autoCreateQueues`) can be removed once no call is on it; boards drop it, its members lose it, and a
 * restart from the event log keeps it removed. With real Redis and real Socket.IO clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { board, cmd, post, startHub, token, type ClientSocket } from './testing.ts';
import type { App } from './app.ts';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('removing a line a call created', () => {
  let app: App;
  let url: string;
  let streamKey: string;
  const open: ClientSocket[] = [];
  beforeAll(async () => {
    ({ app, url, streamKey } = await startHub(REDIS));
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await app?.close();
  });

  it('given a call for an unknown line and an agent serving it, when a supervisor removes it while the call waits, then it is refused; once the call is over it is removed from the boards, the agent and a restarted hub', async () => {
    const t0 = Date.now() - 30_000;
    const tel = token('telephony');
    const events = [
      { id: 'qr-1', type: 'agent.login', at: t0, agentId: 'a1', queues: ['booking', 'hotline-x'] },
      { id: 'qr-2', type: 'call.offered', at: t0 + 1000, callId: 'qr-c1', queue: 'hotline-x', direction: 'inbound' },
    ];
    expect((await post(url, '/api/v1/events', tel, events)).json.accepted).toBe(2);

    const sup = await board(url, token('supervisor'));
    open.push(sup.socket);
    const line = sup.view!.queues.find((q) => q.id === 'hotline-x');
    expect(line?.autoCreated).toBe(true);
    expect(sup.view!.queues.find((q) => q.id === 'booking')?.autoCreated, 'a configured line is not auto-created').toBeUndefined();

    // A configured line cannot be removed; a busy one neither; an agent may not remove any.
    expect(await cmd(sup.socket, 'queue:remove', { queue: 'booking' })).toMatchObject({ ok: false, error: { code: 'conflict', reason: 'queue_configured' } });
    expect(await cmd(sup.socket, 'queue:remove', { queue: 'hotline-x' })).toMatchObject({ ok: false, error: { code: 'conflict', reason: 'queue_busy', params: { queue: 'hotline-x', count: '1' } } });
    expect(await cmd(sup.socket, 'queue:remove', { queue: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found', reason: 'unknown_queue' } });
    const ag = await board(url, token('agent', { userId: 'a1', agentId: 'a1', teamIds: ['t1'] }));
    open.push(ag.socket);
    expect(await cmd(ag.socket, 'queue:remove', { queue: 'hotline-x' })).toMatchObject({ ok: false, error: { code: 'forbidden', reason: 'role_not_allowed' } });

    expect((await post(url, '/api/v1/events', tel, [{ id: 'qr-3', type: 'call.abandoned', at: t0 + 9000, callId: 'qr-c1' }])).json.accepted).toBe(1);
    const ok = await cmd(sup.socket, 'queue:remove', { queue: 'hotline-x' });
    expect(ok).toMatchObject({ ok: true });

    const v = await sup.until((x) => !x.queues.some((q) => q.id === 'hotline-x') && x.agents.find((a) => a.id === 'a1')!.queues.length === 1);
    expect(v.agents.find((a) => a.id === 'a1')!.queues).toEqual(['booking']);
    expect(sup.deltas.some((d) => d.removedQueues?.includes('hotline-x')), 'the boards are told in a delta').toBe(true);
    // A board that connects now never sees it; the REST snapshot neither.
    const fresh = await board(url, token('supervisor'));
    open.push(fresh.socket);
    expect(fresh.view!.queues.map((q) => q.id).sort()).toEqual(['advice', 'booking']);

    // A restart from the event log (no checkpoint) keeps it removed.
    await app.close();
    ({ app, url } = await startHub(REDIS, undefined, { streamKey }));
    const again = await board(url, token('supervisor'));
    open.push(again.socket);
    expect(again.view!.queues.map((q) => q.id).sort()).toEqual(['advice', 'booking']);
    expect(again.view!.agents.find((a) => a.id === 'a1')!.queues).toEqual(['booking']);

    // A new call for the id brings the line back.
    expect((await post(url, '/api/v1/events', tel, [{ id: 'qr-4', type: 'call.offered', at: Date.now(), callId: 'qr-c2', queue: 'hotline-x', direction: 'inbound' }])).json.accepted).toBe(1);
    await again.until((x) => x.queues.some((q) => q.id === 'hotline-x' && q.live.inQueue === 1));
  });
});
