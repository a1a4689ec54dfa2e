/**
 * A live telephony source: events sent one per message, many unanswered at a time (how a PBX adapter forwards
 * what happens). Group commit and coalesced acks must not change what the source and the boards see: every
 * message gets its own answer, the log holds every event in the order sent, and a board sees the end state.
 */
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { IngestResult } from '../contracts/index.ts';
import { coalesceStats } from './coalesce-writes.ts';
import { board, startHub, testSite, token } from './testing.ts';

const redisUrl = inject('redisUrl');
const redis = new Redis(redisUrl);
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await redis.quit();
});

const N = 150;
const at = (i: number) => Date.now() - 60_000 + i * 100;
/** Call i: offered, then abandoned 2 s later (no agent is logged in, so the hub offers nothing). */
const events = Array.from({ length: N }, (_, i) => [
  { id: `live-o${i}`, type: 'call.offered', at: at(i), callId: `lc${i}`, queue: i % 2 ? 'booking' : 'advice', direction: 'inbound' },
  { id: `live-a${i}`, type: 'call.abandoned', at: at(i) + 2_000, callId: `lc${i}` },
]).flat();

function emitAll(t: Socket, evs: readonly unknown[]): Promise<IngestResult[]> {
  // All sent at once, none awaited before the next: the hub gets them in a few TCP reads.
  return Promise.all(evs.map((e) => new Promise<IngestResult>((resolve) => t.emit('events', e, resolve))));
}

describe('given a telephony source that sends its events one per message, all at once', () => {
  it('when the hub answers them, then each message gets its own answer, the log holds them in order in fewer entries, and a board sees the end state', async () => {
    const { app, url, streamKey } = await startHub(redisUrl, testSite());
    cleanup.push(() => app.close(), () => redis.del(streamKey, `${streamKey}:checkpoint`));
    const tv = await board(url, token('supervisor', { userId: 'live-board' }));
    cleanup.push(async () => tv.socket.disconnect());
    const seen = tv.until((v) => v.site.today.abandoned === N, 10_000);

    const t = io(url + '/telephony', { auth: { token: token('telephony') }, transports: ['websocket'], forceNew: true, reconnection: false });
    cleanup.push(async () => t.disconnect());
    await new Promise<void>((resolve, reject) => {
      t.once('connect', () => resolve());
      t.once('connect_error', reject);
    });

    // The acks of one Engine.IO flush leave in one TCP write (hub/coalesce-writes.ts). It reaches into ws's
    // socket (`transport.socket._socket`) and does nothing when it cannot find it: if a ws upgrade moved it,
    // this says so.
    const corkedBefore = coalesceStats.corked;

    const answers = await emitAll(t, events);
    expect(answers).toHaveLength(2 * N);
    expect(answers.every((a) => a.accepted === 1 && a.duplicates === 0 && a.rejected.length === 0)).toBe(true);
    expect(coalesceStats.corked).toBeGreaterThan(corkedBefore);

    // Answered only once written: the stream already holds every event, in the order sent.
    const entries = (await redis.xrange(streamKey, '-', '+')) as [string, string[]][];
    const logged = entries.flatMap(([, f]) => JSON.parse(f[f.indexOf('e') + 1]!) as { id: string }[]).map((e) => e.id);
    expect(logged).toEqual(events.map((e) => e.id));
    expect(entries.length).toBeLessThan(2 * N);

    const view = await seen;
    expect(view.site.today.offered).toBe(N);
    // The board got patches, not whole figures, after its snapshot.
    expect(tv.deltas.length).toBeGreaterThan(0);

    // Sent again (a source retrying after a lost connection): every one is a duplicate, nothing is logged.
    const again = await emitAll(t, events);
    expect(again.every((a) => a.accepted === 0 && a.duplicates === 1)).toBe(true);
    expect(await redis.xlen(streamKey)).toBe(entries.length);
    expect(app.hub.counts.accepted).toBe(2 * N);
  });
});
