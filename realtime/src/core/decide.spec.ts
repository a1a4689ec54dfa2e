import { describe, expect, it } from 'vitest';
import type { SessionDTO } from '../contracts/index.ts';
import { apply, carryOut, decideAs, ev, ready, site, t } from './testing.ts';

const agent = (agentId: string, teamIds: string[] = ['t1']): SessionDTO => ({ userId: agentId, name: agentId, role: 'agent', agentId, teamIds });
const supervisor: SessionDTO = { userId: 'sup', name: 'Sup', role: 'supervisor', teamIds: [] };
const lead = (teamIds: string[]): SessionDTO => ({ userId: 'lead', name: 'Lead', role: 'team_lead', teamIds });

const run = decideAs;

describe('decide: agent commands', () => {
  it('given an offline agent, when it sets itself available then it is logged in and available', () => {
    const s = site();
    const d = run(s, agent('a1'), 'agent:setState', { state: 'available' });
    expect(d).toMatchObject({ ok: true, events: [{ type: 'agent.login', agentId: 'a1', source: 'agent:a1' }, { type: 'agent.state', state: 'available' }] });
    carryOut(s, d);
    expect(s.agents.get('a1')!.state).toBe('available');
  });

  it('given an available agent, when it goes offline then a logout is produced', () => {
    const s = site();
    apply(s, ready(t(0), 'a1'));
    const d = run(s, agent('a1'), 'agent:setState', { state: 'offline' });
    expect(d).toMatchObject({ ok: true, events: [{ type: 'agent.logout', agentId: 'a1' }] });
    carryOut(s, d);
    expect(s.agents.get('a1')!.state).toBe('offline');
  });

  it('given a login not linked to an agent, when it sets a state then it is forbidden', () => {
    expect(run(site(), supervisor, 'agent:setState', { state: 'available' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  describe('given an offer of c1 ringing at a1', () => {
    const g = () => {
      const s = site();
      apply(s, [...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(1), { from: '+84901234567' }), ev.offer('c1', 'a1', t(1))]);
      return s;
    };

    it('when a1 accepts then the call is answered by a1 at the command time', () => {
      const s = g();
      const d = run(s, agent('a1'), 'offer:accept', { callId: 'c1' }, t(5));
      expect(d).toMatchObject({ ok: true, events: [{ type: 'call.answered', callId: 'c1', agentId: 'a1', at: t(5) }] });
      carryOut(s, d);
      expect(s.calls.get('c1')).toMatchObject({ status: 'connected', agentId: 'a1', waitMs: 4000 });
    });

    it('when a1 declines then the offer is rejected as declined', () => {
      const s = g();
      const d = run(s, agent('a1'), 'offer:decline', { callId: 'c1' }, t(5));
      expect(d).toMatchObject({ ok: true, events: [{ type: 'offer.rejected', reason: 'declined', agentId: 'a1' }] });
      carryOut(s, d);
      expect(s.calls.get('c1')!.declinedBy).toEqual(['a1']);
    });

    it('when a2 tries to accept it then it is a conflict (not ringing for a2)', () => {
      expect(run(g(), agent('a2'), 'offer:accept', { callId: 'c1' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });
  });

  describe('given a1 on call c1 in a queue with wrap-up', () => {
    const g = () => {
      const s = site({ queues: [{ id: 'booking', name: 'Booking', wrapupSec: 60 }] });
      apply(s, [...ready(t(0), 'a1', 'a2'), ev.offered('c1', 'booking', t(1)), ev.answered('c1', 'a1', t(2))]);
      return s;
    };

    it('when a1 holds and resumes then held and resumed events are produced', () => {
      const s = g();
      carryOut(s, run(s, agent('a1'), 'call:hold', { callId: 'c1', on: true }, t(10)));
      expect(s.calls.get('c1')!.status).toBe('held');
      carryOut(s, run(s, agent('a1'), 'call:hold', { callId: 'c1', on: false }, t(16)));
      expect(s.calls.get('c1')).toMatchObject({ status: 'connected', holdMs: 6000 });
    });

    it('when a2 tries to end a1 call then it is a conflict', () => {
      expect(run(g(), agent('a2'), 'call:end', { callId: 'c1' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });

    it('when a1 ends it and finishes wrap-up with a disposition then the outcome is recorded and a1 is available', () => {
      const s = g();
      const end = run(s, agent('a1'), 'call:end', { callId: 'c1' }, t(30));
      expect(end).toMatchObject({ ok: true, events: [{ type: 'call.ended', by: 'agent' }] });
      carryOut(s, end);
      const fin = run(s, agent('a1'), 'wrapup:finish', { disposition: 'booked', notes: 'ok' }, t(40));
      expect(fin).toMatchObject({ ok: true, events: [{ type: 'call.outcome', callId: 'c1', disposition: 'booked' }, { type: 'agent.state', state: 'available' }] });
      carryOut(s, fin);
      expect(s.recordIndex.get('c1')).toMatchObject({ disposition: 'booked', notes: 'ok', wrapEndAt: t(40), handleMs: 38_000 });
      expect(s.agents.get('a1')!.state).toBe('available');
    });

    it('when a1 finishes wrap-up while still on the call and with no outcome then it is a conflict', () => {
      expect(run(g(), agent('a1'), 'wrapup:finish', {})).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });
  });
});

describe('decide: supervisor commands', () => {
  it('given a supervisor, when it closes booking with overflow to advice then a queue.status event carries it', () => {
    const s = site();
    const d = run(s, supervisor, 'queue:setOpen', { queue: 'booking', open: false, closedAction: 'overflow', overflowTo: 'advice' });
    expect(d).toMatchObject({ ok: true, events: [{ type: 'queue.status', queue: 'booking', open: false, closedAction: 'overflow', overflowTo: 'advice', source: 'supervisor:sup' }] });
    carryOut(s, d);
    expect(s.queues.get('booking')).toMatchObject({ open: false, closedAction: 'overflow', closedOverflowTo: 'advice' });
  });

  it('given a supervisor, when it names an unknown queue then it is not found', () => {
    expect(run(site(), supervisor, 'queue:setOpen', { queue: 'nope', open: false })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(run(site(), supervisor, 'queue:setPriority', { queue: 'nope', priority: 1 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(run(site(), supervisor, 'agent:move', { agentId: 'a1', queues: ['nope'] })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('given a supervisor, when it forces a1 to lunch, then offline, then a1 is not ready (lunch) and then logged out', () => {
    const s = site();
    apply(s, ready(t(0), 'a1'));
    carryOut(s, run(s, supervisor, 'agent:forceState', { agentId: 'a1', state: 'lunch' }));
    expect(s.agents.get('a1')).toMatchObject({ state: 'notReady', reason: 'lunch' });
    const off = run(s, supervisor, 'agent:forceState', { agentId: 'a1', state: 'offline' }, t(200));
    expect(off).toMatchObject({ ok: true, events: [{ type: 'agent.logout' }] });
    carryOut(s, off);
    expect(s.agents.get('a1')!.state).toBe('offline');
  });

  it('given the lead of team t2, when it moves a1 of team t1 then it is forbidden; the lead of t1 may', () => {
    const s = site();
    expect(run(s, lead(['t2']), 'agent:move', { agentId: 'a1', queues: ['advice'] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const d = run(s, lead(['t1']), 'agent:move', { agentId: 'a1', queues: ['advice'] });
    carryOut(s, d);
    expect(s.agents.get('a1')!.queues).toEqual(['advice']);
  });
});
