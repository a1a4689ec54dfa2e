/**
 * Crash recovery: kill -9 the hub process, start it again, and the snapshot matches what it was,
 * rebuilt from the Redis event log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { SnapshotDTO } from '../contracts/index.ts';
import { freePort } from '../../../scripts/src/lib/redis.ts';
import { get, post, TEST_SECRET, token } from './testing.ts';

const redisUrl = inject('redisUrl');
const root = fileURLToPath(new URL('../../../', import.meta.url));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

async function startHubProcess(port: number, stream: string): Promise<ChildProcess> {
  // node itself, not the tsx CLI: the CLI runs the hub in a child process of its own, which a SIGKILL of the
  // CLI leaves running (an orphaned hub per test run, still ticking on the stream the next hub reads).
  const child = spawn(process.execPath, ['--import', 'tsx', `${root}realtime/src/main.ts`], {
    cwd: root,
    env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl, CALLBOARD_STREAM: stream, CALLBOARD_JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return child;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`hub did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The parts of a snapshot that must survive a restart (clock-dependent figures left out). */
function essence(s: SnapshotDTO) {
  return {
    seq: s.seq,
    queues: s.queues.map((q) => ({ id: q.id, open: q.open, priority: q.priority, inQueue: q.live.inQueue, oldest: q.live.oldestWaitingSince, today: { ...q.today, maxWaitSec: undefined } })),
    agents: s.agents.map((a) => ({ id: a.id, state: a.state, reason: a.reason, since: a.since, callId: a.callId, offerCallId: a.offerCallId, queues: a.queues, handled: a.today.handled })),
    calls: s.calls,
  };
}

describe('given a hub process with live calls, agents and a closed line', () => {
  it('when it is killed with SIGKILL and started again, then its snapshot is the same', async () => {
    const port = await freePort();
    const stream = `callboard:test:restart:${randomBytes(5).toString('hex')}:events`;
    let hub = await startHubProcess(port, stream);
    const url = `http://127.0.0.1:${port}`;
    const tel = token('telephony');
    const t0 = Date.now() - 60_000;
    const at = (s: number) => t0 + s * 1000;
    const events = [
      { id: 'r1', type: 'agent.login', at: at(0), agentId: 'a01', queues: ['vaccine-booking'] },
      { id: 'r2', type: 'agent.state', at: at(1), agentId: 'a01', state: 'available' },
      { id: 'r3', type: 'agent.login', at: at(2), agentId: 'a02' },
      { id: 'r4', type: 'agent.state', at: at(3), agentId: 'a02', state: 'lunch' },
      { id: 'r5', type: 'call.offered', at: at(10), callId: 'k1', queue: 'vaccine-booking', direction: 'inbound', from: '+84912345678' },
      { id: 'r6', type: 'call.answered', at: at(15), callId: 'k1', agentId: 'a01' },
      { id: 'r7', type: 'call.offered', at: at(20), callId: 'k2', queue: 'advice', direction: 'inbound' },
      { id: 'r8', type: 'call.offered', at: at(21), callId: 'k3', queue: 'clinic', direction: 'inbound', priority: 2 },
      { id: 'r9', type: 'call.offered', at: at(22), callId: 'k4', queue: 'after-care', direction: 'inbound' },
      // A source's id that looks like the hub's own (h-...): still remembered across the restart.
      { id: 'h-10', type: 'call.abandoned', at: at(40), callId: 'k4' },
    ];
    const r = await post(url, '/api/v1/events', tel, events);
    expect(r.json.accepted).toBe(events.length);
    const sup = token('supervisor');
    const sock = await import('socket.io-client');
    const s = sock.io(url, { auth: { token: sup }, transports: ['websocket'], forceNew: true });
    const ack = await new Promise<any>((resolve) => s.emit('queue:setOpen', { queue: 'complaints', open: false }, resolve));
    s.disconnect();
    expect(ack.ok).toBe(true);

    const before = (await get(url, '/api/v1/snapshot', sup)).json as SnapshotDTO;
    expect(before.calls.map((c) => c.id).sort()).toEqual(['k1', 'k2', 'k3']);

    hub.kill('SIGKILL');
    await new Promise((r) => hub.once('exit', r));
    hub = await startHubProcess(port, stream);
    const after = (await get(url, '/api/v1/snapshot', sup)).json as SnapshotDTO;
    expect(essence(after)).toEqual(essence(before));
    expect(after.queues.find((q) => q.id === 'complaints')!.open).toBe(false);
    expect(after.agents.find((a) => a.id === 'a02')).toMatchObject({ state: 'notReady', reason: 'lunch' });

    // Ingest stays idempotent across the restart: the same batch is all duplicates.
    const again = await post(url, '/api/v1/events', tel, events);
    expect(again.json).toEqual({ accepted: 0, duplicates: events.length, rejected: [] });
    hub.kill('SIGTERM');
  });
});
