import { afterAll, describe, expect, inject, it } from 'vitest';
import type { SnapshotDTO } from '../contracts/index.ts';
import { client, get, post, startHub, token, waitFor } from './testing.ts';
import type { App } from './app.ts';

let app: App | undefined;
afterAll(async () => {
  await app?.close();
});

describe('given a wallboard on a quiet hub', () => {
  it('when nothing changes, then the hub still says every interval that it is alive and at which seq', async () => {
    const h = await startHub(inject('redisUrl'), undefined, { heartbeatMs: 100 });
    app = h.app;
    const s = await client(h.url, token('supervisor'));
    const snap = (await get(h.url, '/api/v1/snapshot', token('supervisor'))).json as SnapshotDTO;
    const beat = await waitFor<{ seq: number; at: number }>(s, 'hub:heartbeat', () => true, 2000);
    expect(beat.seq).toBe(snap.seq);
    expect(Math.abs(beat.at - Date.now())).toBeLessThan(5000);
    // After an event the heartbeat carries the new seq.
    await post(h.url, '/api/v1/events', token('telephony'), { id: 'hb1', type: 'agent.login', at: Date.now(), agentId: 'a1' });
    const later = await waitFor<{ seq: number }>(s, 'hub:heartbeat', (b) => b.seq > snap.seq, 2000);
    expect(later.seq).toBe(snap.seq + 1);
    s.disconnect();
  });
});
