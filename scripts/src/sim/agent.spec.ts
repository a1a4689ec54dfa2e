/**
 * A simulated agent whose break falls due during a call asks for it on the desk ("break after this
 * call"), so the demo's boards show what comes next, and takes it once the wrap-up is done.
 */
import { describe, expect, it } from 'vitest';
import { SimAgent, type AgentPort } from './agent.ts';
import { DEFAULT_BEHAVIOUR, DEFAULT_QUEUE_MODELS } from './model.ts';
import { Rng } from './random.ts';
import { VirtualScheduler } from './scheduler.ts';
import { TIME } from './time.ts';

/** A port that records what the agent did, in order. */
function recordingPort(): AgentPort & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    login: (id) => log.push(`login ${id}`),
    setState: (id, state, reason) => log.push(`state ${state}${reason ? `/${reason}` : ''}`),
    accept: (id, callId) => log.push(`accept ${callId}`),
    decline: (id, callId) => log.push(`decline ${callId}`),
    hold: () => undefined,
    end: (id, callId) => log.push(`end ${callId}`),
    finishWrapup: (id, callId, _outcome, next) => log.push(`finish ${callId} -> ${next === undefined ? 'available' : next === 'logout' ? 'logout' : next.state}`),
    afterCall: (id, state, reason) => log.push(`after-call ${state}${reason ? `/${reason}` : ''}`),
    logout: (id) => log.push(`logout ${id}`),
  };
}

describe('a simulated agent and the state after the call', () => {
  it('given a break due while talking, then the agent asks for it after the call, ends the call, wraps up and goes on break', () => {
    const t0 = Date.parse('2026-11-23T09:00:00+07:00');
    const sched = new VirtualScheduler(t0);
    const port = recordingPort();
    const model = DEFAULT_QUEUE_MODELS['vaccine-booking']!;
    const agent = new SimAgent(
      { id: 'a1', name: 'Nguyễn Thị Lan', teamId: 't1', queues: ['vaccine-booking'], skills: {} },
      sched,
      port,
      new Rng(7),
      { ...DEFAULT_BEHAVIOUR, missProbability: 0, declineProbability: 0, acceptDelaySec: [1, 1] },
      () => ({ wrapupSec: 30, model: { ...model, talkMedianSec: 600, talkSigma: 0.01, holdProbability: 0 } }),
      2,
    );
    agent.plan([{ login: t0, logout: Number.POSITIVE_INFINITY, activities: [{ at: t0 + 60 * TIME.SECOND, durationMs: 15 * TIME.MINUTE, state: 'break', reason: 'short-break' }] }]);
    sched.run(t0 + 1);
    agent.offer('c1', 'vaccine-booking');
    sched.run(t0 + 2 * TIME.SECOND);
    agent.connected('c1');
    expect(agent.localState).toBe('talking');
    // The break falls due a minute in, the call lasts about ten.
    sched.run(t0 + 2 * TIME.MINUTE);
    expect(port.log).toContain('after-call break/short-break');
    expect(agent.localState).toBe('talking');
    sched.run(t0 + 30 * TIME.MINUTE);
    // Asked during the call, taken after the wrap-up, back after what is left of the break.
    expect(port.log).toEqual(['login a1', 'accept c1', 'after-call break/short-break', 'end c1', 'finish c1 -> break', 'state available']);
    expect(agent.localState).toBe('idle');
  });
});
