/**
 * The state after the call (`agent.next`): an agent's "break after this call", a team lead's "absent
 * after this call". It waits for the end of the call and of its wrap-up, then replaces "available".
 */
import { describe, expect, it } from 'vitest';
import type { SessionDTO } from '../contracts/index.ts';
import { evolve } from './evolve.ts';
import { due, route } from './routing.ts';
import { agentDTO } from './selectors.ts';
import { apply, carryOut, decideAs, ev, given, ids, ready, site, t } from './testing.ts';

const agentSession = (agentId: string): SessionDTO => ({ userId: agentId, name: agentId, role: 'agent', agentId, teamIds: ['t1'] });
const lead = (teamIds: string[]): SessionDTO => ({ userId: 'lead1', name: 'Lead', role: 'team_lead', teamIds });

const run = decideAs;

/** a1 on call c1 (booking), answered at t(2). */
const onCall = (wrapupSec = 0) => {
  const s = site({ queues: [{ id: 'booking', name: 'Booking', wrapupSec }, { id: 'advice', name: 'Advice' }] });
  return apply(s, [...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(1)), ev.answered('c1', 'a1', t(2))]);
};

describe('the state after the call: evolve', () => {
  it('given a1 on a call, when a break is asked for after it then a1 stays on the call with the break waiting', () => {
    const then = given(onCall()).when(ev.agentNext('a1', 'break', t(10), 'lunch'));
    then.accepted();
    const a = then.state.agents.get('a1')!;
    expect(a.state).toBe('onCall');
    expect(a.next).toMatchObject({ state: 'break', reason: 'lunch', at: t(10) });
  });

  it('given a break waiting and no wrap-up on the line, when the call ends then a1 goes on break, not available', () => {
    const s = apply(onCall(), [ev.agentNext('a1', 'break', t(10), 'lunch'), ev.ended('c1', t(60))]);
    const a = s.agents.get('a1')!;
    expect(a).toMatchObject({ state: 'break', reason: 'lunch', since: t(60), next: undefined });
    // Not offered anything: the next call waits.
    apply(s, [ev.state('a2', 'break', t(61)), ev.offered('c2', 'booking', t(62))]);
    expect(route(s, t(62), ids())).toEqual([]);
  });

  it('given a break waiting and 30 s of wrap-up, when the call ends then a1 wraps up first, and the wrap-up timer ends in the break', () => {
    const s = apply(onCall(30), [ev.agentNext('a1', 'break', t(10)), ev.ended('c1', t(60))]);
    expect(s.agents.get('a1')!.state).toBe('wrapup');
    const out = due(s, t(91), ids());
    expect(out).toMatchObject([{ type: 'agent.state', agentId: 'a1', state: 'break', at: t(90) }]);
    expect(s.agents.get('a1')).toMatchObject({ state: 'break', next: undefined });
    // The call counts as handled with its wrap-up, as without a state waiting.
    expect(s.records.find((c) => c.id === 'c1')).toMatchObject({ wrapEndAt: t(90) });
  });

  it('given "offline after this call" (a sudden absence), when the call ends then a1 is logged out', () => {
    const s = apply(onCall(), [ev.agentNext('a1', 'offline', t(10)), ev.ended('c1', t(60))]);
    expect(s.agents.get('a1')).toMatchObject({ state: 'offline', since: t(60) });
  });

  it('given a break waiting, when it is cancelled then the call ends in available as usual', () => {
    const s = apply(onCall(), [ev.agentNext('a1', 'break', t(10)), ev.agentNext('a1', null, t(20)), ev.ended('c1', t(60))]);
    expect(s.agents.get('a1')).toMatchObject({ state: 'available', next: undefined });
  });

  it('given a state waiting, when a state is set at once (e.g. the phone system logs the agent out after the call) then the waiting one is dropped', () => {
    const s = apply(onCall(30), [ev.agentNext('a1', 'break', t(10)), ev.ended('c1', t(60)), ev.state('a1', 'available', t(65))]);
    expect(s.agents.get('a1')).toMatchObject({ state: 'available', next: undefined });
  });

  it('given a1 not on a call, when a state after the call is asked for then it is refused and nothing changes', () => {
    given(site(), ready(t(0), 'a1')).when(ev.agentNext('a1', 'break', t(10))).rejected(/not on a call/);
  });

  it('given a1 on a call, when wrap-up or an unknown state is asked for after it then it is refused', () => {
    given(onCall()).when(ev.agentNext('a1', 'wrapup', t(10))).rejected(/set by calls/);
    given(onCall()).when(ev.agentNext('a1', 'sleeping', t(10))).rejected(/unknown state sleeping/);
  });

  it('then the agent card shows what waits and who asked for it', () => {
    const s = apply(onCall(), [{ ...ev.agentNext('a1', 'offline', t(10)), source: 'team_lead:lead1' }]);
    expect(agentDTO(s, s.agents.get('a1')!, t(11)).next).toEqual({ state: 'offline', by: 'team_lead:lead1', at: t(10) });
  });
});

describe('the state after the call: commands', () => {
  it("given a1 on a call, when a1 sets 'break' then it waits for the end of the call instead of being refused", () => {
    const s = onCall();
    const d = run(s, agentSession('a1'), 'agent:setState', { state: 'break', reason: 'lunch' });
    expect(d).toMatchObject({ ok: true, events: [{ type: 'agent.next', agentId: 'a1', state: 'break', reason: 'lunch', source: 'agent:a1' }] });
    carryOut(s, d);
    expect(s.agents.get('a1')).toMatchObject({ state: 'onCall', next: { state: 'break', by: 'agent:a1' } });
  });

  it("given a break waiting, when a1 sets 'available' then the break is cancelled", () => {
    const s = apply(onCall(), [ev.agentNext('a1', 'break', t(10))]);
    const d = run(s, agentSession('a1'), 'agent:setState', { state: 'available' });
    expect(d).toMatchObject({ ok: true, events: [{ type: 'agent.next', agentId: 'a1', state: null }] });
    carryOut(s, d);
    expect(s.agents.get('a1')!.next).toBeUndefined();
  });

  it("given nothing waiting, when a1 on a call sets 'available' then evolve refuses it as before (agent on a call)", () => {
    const s = onCall();
    const d = run(s, agentSession('a1'), 'agent:setState', { state: 'available' });
    expect(d.ok).toBe(true);
    if (d.ok) expect(evolve(s, d.events[0]!)).toMatch(/is on call c1/);
  });

  it("given a1 on a call, when their team lead marks them absent (offline) then it waits for the end of the call", () => {
    const s = onCall();
    const d = run(s, lead(['t1']), 'agent:forceState', { agentId: 'a1', state: 'offline' });
    expect(d).toMatchObject({ ok: true, events: [{ type: 'agent.next', state: 'offline', source: 'team_lead:lead1' }] });
    carryOut(s, d);
    apply(s, [ev.ended('c1', t(200))]);
    expect(s.agents.get('a1')!.state).toBe('offline');
  });

  it("given a1 on a call, when another team's lead marks them absent then it is forbidden", () => {
    expect(run(onCall(), lead(['t2']), 'agent:forceState', { agentId: 'a1', state: 'offline' })).toMatchObject({ ok: false, error: { reason: 'not_your_team' } });
  });

  it("given the team lead's absence waiting for a1, when a1 tries to cancel it or pick another state, on the call or in wrap-up, then it is refused naming the lead; the lead can still cancel it", () => {
    const s = onCall(120);
    const d = run(s, { ...lead(['t1']), name: 'Trần Thu Hà' }, 'agent:forceState', { agentId: 'a1', state: 'offline' });
    expect(d).toMatchObject({ ok: true, events: [{ type: 'agent.next', byName: 'Trần Thu Hà' }] });
    carryOut(s, d);
    expect(agentDTO(s, s.agents.get('a1')!, t(100)).next).toMatchObject({ state: 'offline', by: 'team_lead:lead1', byName: 'Trần Thu Hà' });
    const refused = { ok: false, error: { code: 'conflict', reason: 'next_set_by_lead', params: { agentId: 'a1', by: 'Trần Thu Hà' } } };
    expect(run(s, agentSession('a1'), 'agent:setState', { state: 'available' })).toMatchObject(refused);
    expect(run(s, agentSession('a1'), 'agent:setState', { state: 'break' })).toMatchObject(refused);
    // In wrap-up too (a state set at once would replace the one waiting).
    apply(s, [ev.ended('c1', t(110))]);
    expect(s.agents.get('a1')!.state).toBe('wrapup');
    expect(run(s, agentSession('a1'), 'agent:setState', { state: 'available' }, t(120))).toMatchObject(refused);
    // Signing out stays the agent's; the lead cancels with "available".
    expect(run(s, agentSession('a1'), 'agent:setState', { state: 'offline' }, t(120))).toMatchObject({ ok: true });
    const cancel = run(s, lead(['t1']), 'agent:forceState', { agentId: 'a1', state: 'available' }, t(120));
    expect(cancel.ok).toBe(true);
  });

  it("given the agent's own break waiting, when they change their mind then it is theirs to cancel", () => {
    const s = onCall();
    carryOut(s, run(s, agentSession('a1'), 'agent:setState', { state: 'break' }));
    expect(run(s, agentSession('a1'), 'agent:setState', { state: 'available' })).toMatchObject({ ok: true, events: [{ type: 'agent.next', state: null }] });
  });

  it('given a break waiting and a1 in wrap-up, when a1 finishes wrap-up then the break follows, with the outcome recorded', () => {
    const s = apply(onCall(120), [ev.agentNext('a1', 'break', t(10), 'lunch'), ev.ended('c1', t(60))]);
    const d = run(s, agentSession('a1'), 'wrapup:finish', { disposition: 'booked' }, t(70));
    expect(d).toMatchObject({ ok: true, events: [{ type: 'call.outcome' }, { type: 'agent.state', state: 'break', reason: 'lunch' }] });
    carryOut(s, d);
    expect(s.agents.get('a1')).toMatchObject({ state: 'break', reason: 'lunch', next: undefined });
  });
});
