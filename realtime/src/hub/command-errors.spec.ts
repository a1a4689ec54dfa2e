/**
 * A failed command answers a stable reason with its params beside the English message (which stays
 * what API clients always got): the hub's own checks, `decide`'s refusals and `evolve`'s rejections of
 * the events a command produced.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseSiteConfig, type SessionDTO } from '../contracts/index.ts';
import { MemoryEventLog } from './event-log.repository.ts';
import { Hub } from './hub.service.ts';
import { testSite } from './testing.ts';

const T0 = Date.parse('2026-03-02T08:00:00+07:00');
const agent = (agentId: string): SessionDTO => ({ userId: agentId, name: agentId, role: 'agent', agentId, teamIds: ['t1'] });
const supervisor: SessionDTO = { userId: 'sup', name: 'Sup', role: 'supervisor', teamIds: [] };

/** A hub on the test site with a1 on call c1 (booking has no wrap-up). */
function hubWithCall(): Hub {
  const hub = new Hub({ config: parseSiteConfig(testSite()), log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock: 'event' });
  const { result } = hub.apply(
    [
      { id: 'l1', type: 'agent.login', at: T0, agentId: 'a1' },
      { id: 's1', type: 'agent.state', at: T0 + 1, agentId: 'a1', state: 'available' },
      { id: 'o1', type: 'call.offered', at: T0 + 2, callId: 'c1', queue: 'booking', direction: 'inbound' },
      { id: 'a1', type: 'call.answered', at: T0 + 3, callId: 'c1', agentId: 'a1' },
    ],
    { route: false },
  );
  expect(result.rejected).toEqual([]);
  return hub;
}

describe('Hub.command: the hub\'s own checks', () => {
  it('given an agent, when it sends a supervisor command, then it is role_not_allowed with the role and command', async () => {
    const r = await hubWithCall().command(agent('a1'), 'queue:setOpen', { queue: 'booking', open: false });
    expect(r).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'agent may not queue:setOpen', reason: 'role_not_allowed', params: { role: 'agent', command: 'queue:setOpen' } },
    });
  });

  it('given a payload with a bad field and an unknown one, then it is invalid_payload naming both fields, zod details kept', async () => {
    const r = await hubWithCall().command(supervisor, 'queue:setPriority', { queue: 'booking', priority: 99, colour: 'red' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'invalid queue:setPriority payload', reason: 'invalid_payload', params: { command: 'queue:setPriority' } },
    });
    if (r.ok) return;
    expect(r.error.params!.fields!.split(', ').sort()).toEqual(['colour', 'priority']);
    expect(r.error.details!.join(' ')).toMatch(/priority: .*10/);
  });

  it('given a payload that is not an object, then it is invalid_payload with no field', async () => {
    const r = await hubWithCall().command(supervisor, 'queue:setPriority', 'booking');
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid', reason: 'invalid_payload', params: { command: 'queue:setPriority', fields: '' } } });
  });

  it('given a command name the hub does not know, then it is unknown_command', async () => {
    const r = await hubWithCall().command(supervisor, 'queue:explode' as never, {});
    expect(r).toEqual({ ok: false, error: { code: 'invalid', message: 'unknown command queue:explode', reason: 'unknown_command', params: { command: 'queue:explode' } } });
  });
});

describe('Hub.command: refusals of decide and rejections of evolve', () => {
  it('given a2 not on c1, when it ends c1, then decide\'s reason comes through', async () => {
    const r = await hubWithCall().command(agent('a2'), 'call:end', { callId: 'c1' });
    expect(r).toEqual({ ok: false, error: { code: 'conflict', message: 'call c1 is not your current call', reason: 'not_your_current_call', params: { callId: 'c1' } } });
  });

  it('given a1 on c1, when a supervisor makes a1 available with nothing waiting for the end of the call, then the conflict says agent_on_call with the agent and the call', async () => {
    const r = await hubWithCall().command(supervisor, 'agent:forceState', { agentId: 'a1', state: 'available' });
    expect(r).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'agent a1 is on call c1; end it first', reason: 'agent_on_call', params: { agentId: 'a1', callId: 'c1' } },
    });
  });

  it('given a1 on c1, when a supervisor sends a1 to lunch, then lunch waits for the end of the call (agent.next) and a1 stays on it', async () => {
    const hub = hubWithCall();
    const r = await hub.command(supervisor, 'agent:forceState', { agentId: 'a1', state: 'lunch' });
    expect(r.ok).toBe(true);
    expect(hub.state.agents.get('a1')).toMatchObject({ state: 'onCall', next: { state: 'lunch', by: 'supervisor:sup' } });
  });

  it('given a1 on c1, when it resumes a call not on hold and then holds it twice, then call_not_held and call_not_holdable carry the status', async () => {
    const hub = hubWithCall();
    expect(await hub.command(agent('a1'), 'call:hold', { callId: 'c1', on: false })).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'call c1 is connected, not held', reason: 'call_not_held', params: { callId: 'c1', status: 'connected' } },
    });
    expect((await hub.command(agent('a1'), 'call:hold', { callId: 'c1', on: true })).ok).toBe(true);
    expect(await hub.command(agent('a1'), 'call:hold', { callId: 'c1', on: true })).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'call c1 is held, cannot be held', reason: 'call_not_holdable', params: { callId: 'c1', status: 'held' } },
    });
  });

  it('given a supervisor, when it forces an unknown state, then unknown_state lists what the site allows', async () => {
    const r = await hubWithCall().command(supervisor, 'agent:forceState', { agentId: 'a2', state: 'napping' });
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict', reason: 'unknown_state', params: { state: 'napping' } } });
    if (r.ok) return;
    expect(r.error.message).toBe(`unknown state napping; this site allows ${r.error.params!.allowed}`);
    expect(r.error.params!.allowed).toMatch(/^available, break, wrapup, offline, missed, login, disconnected, lunch/);
  });
});
