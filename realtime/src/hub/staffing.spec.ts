/** `GET /api/v1/staffing`: the agents a line needs now, and the Erlang calculator. Real hub and Redis. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { get, post, startHub, testSite, token } from './testing.ts';
import type { App } from './app.ts';

const redisUrl = inject('redisUrl');
let app: App;
let url: string;
const sup = token('supervisor');

beforeAll(async () => {
  ({ app, url } = await startHub(redisUrl, testSite({ queues: [{ id: 'booking', name: 'Booking', routing: 'observe' }, { id: 'advice', name: 'Advice' }] })));
  // The last 20 minutes on the booking line, as an external ACD reports them: 24 calls, 3 abandoned.
  const t0 = Date.now() - 20 * 60_000;
  const ev: Record<string, unknown>[] = [
    { id: 'l1', type: 'agent.login', at: t0, agentId: 'a1' },
    { id: 's1', type: 'agent.state', at: t0, agentId: 'a1', state: 'available' },
    { id: 'l2', type: 'agent.login', at: t0, agentId: 'a2' },
    { id: 's2', type: 'agent.state', at: t0, agentId: 'a2', state: 'available' },
  ];
  for (let i = 0; i < 24; i++) {
    const at = t0 + i * 45_000;
    ev.push({ id: `o${i}`, type: 'call.offered', at, callId: `c${i}`, queue: 'booking', direction: 'inbound' });
    if (i % 8 === 7) ev.push({ id: `x${i}`, type: 'call.abandoned', at: at + 30_000, callId: `c${i}` });
    else {
      const agent = i % 2 ? 'a2' : 'a1';
      ev.push({ id: `a${i}`, type: 'call.answered', at: at + 5_000, callId: `c${i}`, agentId: agent });
      ev.push({ id: `e${i}`, type: 'call.ended', at: at + 40_000, callId: `c${i}` });
    }
  }
  ev.sort((x, y) => (x.at as number) - (y.at as number));
  const r = await post(url, '/api/v1/events', token('telephony'), ev);
  expect(r.json.rejected).toEqual([]);
});
afterAll(async () => {
  await app.close();
});

describe('staffing', () => {
  it('given a busy line, when a supervisor asks what it needs, then the measured traffic goes through Erlang A with the estimated patience', async () => {
    const r = await get(url, '/api/v1/staffing?queue=booking&window=30', sup);
    expect(r.status).toBe(200);
    expect(r.json.basis.offered).toBe(24);
    expect(r.json.basis.callsPerInterval).toBeCloseTo(12, 6); // 24 in 30 min -> 12 per 15 min
    expect(r.json.basis.ahtSec).toBeGreaterThan(30);
    // 3 abandons; waits: 21 answered x 5 s + 3 abandoned x 30 s = 195 s -> 65 s mean patience.
    expect(r.json.basis.patienceSec).toBeCloseTo(65, 6);
    expect(r.json.required.model).toBe('erlang-a');
    expect(r.json.required.agents).toBeGreaterThanOrEqual(1);
    expect(r.json.required.serviceLevelPct).toBeGreaterThanOrEqual(r.json.basis.slTargetPct);
    expect(r.json.staffed).toBe(2);
    expect(r.json.atCurrent.agents).toBe(2);
  });

  it('given a quiet line, then it says why there is no answer', async () => {
    const r = await get(url, '/api/v1/staffing?queue=advice', sup);
    expect(r.status).toBe(200);
    expect(r.json.required).toBeNull();
    expect(r.json.note).toMatch(/no calls offered/);
  });

  it('as a calculator, the spec\'s worked example: 14 agents, 20 with 30% shrinkage', async () => {
    const r = await get(url, '/api/v1/staffing?calls=100&intervalMin=30&ahtSec=180&slTargetPct=80&slThresholdSec=20&shrinkagePct=30', sup);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ model: 'erlang-c', agents: 14, scheduled: 20 });
  });

  it('refuses bad questions with the reason, unknown lines with 404, and agents with 403', async () => {
    expect((await get(url, '/api/v1/staffing?calls=abc&ahtSec=100', sup)).json.error.details.join()).toMatch(/calls/);
    expect((await get(url, '/api/v1/staffing', sup)).json.error.details.join()).toMatch(/queue=ID/);
    expect((await get(url, '/api/v1/staffing?queue=nope', sup)).status).toBe(404);
    expect((await get(url, '/api/v1/staffing?queue=booking', token('agent', { agentId: 'a1' }))).status).toBe(403);
  });
});
