/**
 * `PUT /api/v1/schedules/:date`: agents' schedules for a site day, and the adherence and conformance they
 * give on the agent's card and in `GET /api/v1/metrics`. Real hub and Redis.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SiteCalendar } from '../core/time.ts';
import type { App } from './app.ts';
import { get, post, put, startHub, testSite, token } from './testing.ts';

const redisUrl = inject('redisUrl');
let app: App;
let url: string;
let streamKey: string;
const sup = token('supervisor');
const tel = token('telephony');
const site = testSite({ teams: [{ id: 't1', name: 'Team 1' }, { id: 't2', name: 'Team 2' }], agents: [
  { id: 'a1', name: 'Agent One', teamId: 't1', queues: ['booking'] },
  { id: 'a2', name: 'Agent Two', teamId: 't2', queues: ['booking'] },
] });
const cal = new SiteCalendar('Asia/Ho_Chi_Minh', 15);
const today = () => {
  const d = new Date(Date.now() + 7 * 3600_000);
  return d.toISOString().slice(0, 10);
};

beforeAll(async () => {
  ({ app, url, streamKey } = await startHub(redisUrl, site));
});
afterAll(async () => {
  await app.close();
});

describe('schedules', () => {
  it("given today's schedule for a1 covering the whole day as work and a1 at work, then a1's card and the metrics API show adherence and conformance near 100 %", async () => {
    const r = await put(url, `/api/v1/schedules/${today()}`, sup, { agents: { a1: [{ from: '00:00', to: '24:00', activity: 'work' }] } });
    expect(r).toEqual({ status: 200, json: { date: today(), agents: 1 } });
    const start = cal.dateStart(today());
    expect(app.hub.state.agents.get('a1')!.schedule!.spans).toEqual([[start, cal.nextDayStart(start), 'work']]);
    const now = Date.now();
    expect((await post(url, '/api/v1/events', tel, [{ id: 's-l1', type: 'agent.login', at: now, agentId: 'a1' }, { id: 's-s1', type: 'agent.state', at: now, agentId: 'a1', state: 'available' }])).json.rejected).toEqual([]);
    // Agent time is accounted once a second.
    await new Promise((r) => setTimeout(r, 1500));
    const snap = await get(url, '/api/v1/snapshot', sup);
    const a1 = snap.json.agents.find((a: { id: string }) => a.id === 'a1');
    expect(a1.today.scheduled).toEqual([start, cal.nextDayStart(start)]);
    // Scheduled since the PUT; at work since the login a moment after it.
    expect(a1.today.adherencePct).toBeGreaterThan(50);
    expect(a1.today.adherencePct).toBeLessThanOrEqual(100);
    const m = await get(url, `/api/v1/metrics?scope=agent&id=a1&from=${today()}&to=${today()}`, sup);
    expect(m.status).toBe(200);
    expect(m.json.total.adherencePct).toBeGreaterThan(50);
    expect(m.json.total.conformancePct).toBeGreaterThan(50);
    // An agent without a schedule has none (null, not 0).
    expect(snap.json.agents.find((a: { id: string }) => a.id === 'a2').today.adherencePct).toBeNull();
  });

  it('given bad times, an unknown agent, overlapping activities or another team, then the request is refused with the reason and nothing changes', async () => {
    const before = JSON.stringify(app.hub.state.agents.get('a2')!.schedule ?? null);
    expect((await put(url, `/api/v1/schedules/${today()}`, sup, { agents: { a2: [{ from: '8:00', to: '12:00', activity: 'work' }] } })).status).toBe(400);
    expect((await put(url, '/api/v1/schedules/tomorrow', sup, { agents: {} })).status).toBe(400);
    // Not a calendar date; an activity that is neither work, a break nor a not-ready state of the site.
    expect((await put(url, '/api/v1/schedules/2026-02-30', sup, { agents: {} })).status).toBe(400);
    const nap = await put(url, `/api/v1/schedules/${today()}`, sup, { agents: { a2: [{ from: '08:00', to: '12:00', activity: 'nap' }] } });
    expect([nap.status, nap.json.error.reason, nap.json.error.params.why]).toEqual([409, 'invalid_schedule', expect.stringMatching(/^unknown activity nap \(work, break, /)]);
    expect((await put(url, `/api/v1/schedules/${today()}`, sup, { agents: { ghost: [] } })).json.error).toMatchObject({ code: 'not_found', reason: 'unknown_agent' });
    const overlap = await put(url, `/api/v1/schedules/${today()}`, sup, {
      agents: { a2: [{ from: '08:00', to: '12:00', activity: 'work' }, { from: '11:00', to: '13:00', activity: 'lunch' }] },
    });
    expect(overlap.status).toBe(409);
    expect(overlap.json.error).toMatchObject({ reason: 'invalid_schedule', params: { agentId: 'a2', why: 'activities overlap or are out of order' } });
    // A team lead sets their own teams' agents only: a2 is in t2.
    const lead = token('team_lead', { teamIds: ['t1'] });
    const other = await put(url, `/api/v1/schedules/${today()}`, lead, { agents: { a2: [{ from: '08:00', to: '12:00', activity: 'work' }] } });
    expect(other.status).toBe(403);
    expect(other.json.error.reason).toBe('not_your_team');
    expect((await put(url, `/api/v1/schedules/${today()}`, token('agent', { agentId: 'a2' }), { agents: { a2: [] } })).status).toBe(403);
    expect(JSON.stringify(app.hub.state.agents.get('a2')!.schedule ?? null)).toBe(before);
  });

  it('given a schedule set, when the hub restarts from its log, then the schedule is back', async () => {
    const lead = token('team_lead', { teamIds: ['t2'] });
    expect((await put(url, `/api/v1/schedules/${today()}`, lead, { agents: { a2: [{ from: '08:00', to: '12:00', activity: 'work' }, { from: '12:00', to: '13:00', activity: 'lunch' }] } })).status).toBe(200);
    const spans = app.hub.state.agents.get('a2')!.schedule!.spans;
    expect(spans.map((x) => x[2])).toEqual(['work', 'lunch']);
    const { app: again } = await startHub(redisUrl, site, { streamKey });
    try {
      expect(again.hub.state.agents.get('a2')!.schedule!.spans).toEqual(spans);
    } finally {
      await again.close();
    }
  });
});
