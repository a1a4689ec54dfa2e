import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Hub, MemoryEventLog } from '../../realtime/src/hub/index.ts';
import { demoSite } from '../../realtime/src/site/demo-site.ts';
import { demoHistory } from './demo-history.ts';
import { leftoversOf } from './demo-restart.ts';

const site = demoSite();

describe('a restart of the demo', () => {
  it('given a log cut in the middle of a busy morning (a caller waiting, one ringing an agent, calls connected, held and in wrap-up), when the leftovers are applied then every call is over, every agent signed out, and nothing was refused', async () => {
    const events = demoHistory(site, Date.parse('2026-03-04T10:30:00+07:00'), 7, 0);
    const cut = events.slice(0, Math.floor(events.length * 0.6));
    const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock: 'event' });
    expect((await hub.ingest(cut, { route: false })).rejected).toEqual([]);
    const live = () => [...hub.state.calls.values()].filter((c) => c.status !== 'done');
    const at = hub.state.clock + 1000;
    const connected = live().find((c) => c.status === 'connected')!;
    const free = [...hub.state.agents.values()].find((a) => a.state === 'available' && a.queues.includes('vaccine-booking'))!;
    expect(free).toBeDefined();
    // A caller rung to an agent by the hub (its own offer), one left waiting, one on hold.
    expect((await hub.ingest([{ id: 'x1', type: 'call.offered', at, callId: 'ringing', queue: 'vaccine-booking', direction: 'inbound' }])).rejected).toEqual([]);
    expect((await hub.ingest([
      { id: 'x2', type: 'call.offered', at, callId: 'waiting', queue: 'clinic', direction: 'inbound', skills: ['nobody-has-it'] },
      { id: 'x3', type: 'call.held', at, callId: connected.id },
    ], { route: false })).rejected).toEqual([]);
    const statuses = new Set(live().map((c) => c.status));
    const agentStates = new Set([...hub.state.agents.values()].map((a) => a.state));
    expect([...agentStates].sort()).toEqual(expect.arrayContaining(['available', 'offline', 'onCall', 'reserved', 'wrapup']));

    const leftovers = leftoversOf(hub.state);
    expect(leftovers.length).toBeGreaterThan(0);
    expect(leftovers.every((e) => e.at === hub.state.clock)).toBe(true);
    const r = await hub.ingest(leftovers, { route: false });
    expect(r.rejected).toEqual([]);
    expect([...statuses].sort()).toEqual(['connected', 'held', 'offering', 'waiting', 'wrapup']);
    expect(live()).toEqual([]);
    expect([...hub.state.agents.values()].filter((a) => a.state !== 'offline').map((a) => a.id)).toEqual([]);
    // Applied twice (a second restart before anything new happened), the same ids are duplicates.
    expect(leftoversOf(hub.state).length).toBe(0);
  });
});
