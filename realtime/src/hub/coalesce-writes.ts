/**
 * One TCP write for the packets an Engine.IO socket flushes in one turn. Engine.IO's WebSocket transport
 * writes each packet as its own frame, one `writev` system call each, and holds later packets until that
 * write is done. A telephony source that keeps tens of events unanswered gets their acks together (one
 * group commit answers them all), so without this each ack costs a system call of its own. Corking the
 * socket while Engine.IO hands over a flush, and uncorking on the next tick, sends them in one write.
 *
 * Only the WebSocket transport is corked; long-polling already answers a whole buffer per HTTP response.
 */
import type { Socket as NetSocket } from 'node:net';

/** The parts of an Engine.IO socket this uses (its `flush` event and the WebSocket under its transport). */
interface EngineConn {
  on(event: 'flush', fn: () => void): unknown;
  transport?: { name?: string; socket?: { _socket?: NetSocket } };
}

/** Flushes corked so far in this process (tests check that the WebSocket's TCP socket is still found). */
export const coalesceStats = { corked: 0 };

export function coalesceWrites(conn: EngineConn): void {
  conn.on('flush', () => {
    const t = conn.transport;
    if (t?.name !== 'websocket') return;
    const tcp = t.socket?._socket;
    if (!tcp || tcp.destroyed || tcp.writableCorked > 0) return;
    tcp.cork();
    coalesceStats.corked++;
    process.nextTick(() => tcp.uncork());
  });
}
