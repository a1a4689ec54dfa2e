/**
 * Adherence and conformance (metrics.md) against the agents' schedules (`agent.schedule`): minutes in the
 * scheduled activity / scheduled minutes, and staffed minutes / scheduled minutes.
 */
import { describe, expect, it } from 'vitest';
import { accrueAll } from './evolve.ts';
import { deriveMetrics } from './metrics.ts';
import { scopeKey } from './state.ts';
import type { HubState } from './state.ts';
import { apply, ev, given, site, t } from './testing.ts';

const MIN = 60;
/** a1's metrics over [from, to) after accounting everyone's time up to `to`. */
function agentFigures(s: HubState, agentId: string, from: number, to: number) {
  accrueAll(s, to);
  return deriveMetrics(s.metrics.day(scopeKey.agent(agentId), from), s.config.params);
}

/** a1 scheduled 08:00-10:00: work 08:00-09:00, break 09:00-09:15, work 09:15-10:00 (the day's period 08:00-10:00). */
const scheduled = () =>
  apply(site({ notReadyReasons: ['lunch'] }), [
    ev.schedule('a1', t(0), t(120 * MIN), [[t(0), t(60 * MIN), 'work'], [t(60 * MIN), t(75 * MIN), 'break'], [t(75 * MIN), t(120 * MIN), 'work']], t(-600)),
  ]);

describe('schedule adherence and conformance', () => {
  it('given a1 working and taking the break exactly as scheduled, then adherence and conformance are 100 %', () => {
    const s = apply(scheduled(), [ev.login('a1', t(0)), ev.state('a1', 'available', t(0)), ev.state('a1', 'break', t(60 * MIN)), ev.state('a1', 'available', t(75 * MIN)), ev.logout('a1', t(120 * MIN))]);
    const m = agentFigures(s, 'a1', t(0), t(120 * MIN));
    expect(m.adherencePct).toBe(100);
    expect(m.conformancePct).toBe(100);
  });

  it('given a1 logs in 10 min late and takes the break 15 min late, then adherence counts only the minutes in the scheduled activity', () => {
    const s = apply(scheduled(), [
      ev.login('a1', t(10 * MIN)),
      ev.state('a1', 'available', t(10 * MIN)),
      ev.state('a1', 'break', t(75 * MIN)),
      ev.state('a1', 'available', t(90 * MIN)),
      ev.logout('a1', t(120 * MIN)),
    ]);
    const m = agentFigures(s, 'a1', t(0), t(120 * MIN));
    // In the activity: work 08:10-09:00 (50), not the break 09:00-09:15 (worked through it), work 09:30-10:00 (30): 80 of 120.
    expect(m.adherencePct).toBeCloseTo((100 * 80) / 120, 6);
    // Staffed 08:10-10:00 = 110 of 120 scheduled.
    expect(m.conformancePct).toBeCloseTo((100 * 110) / 120, 6);
  });

  it('given a1 absent all day, then the scheduled minutes still count and adherence and conformance are 0 %', () => {
    const s = scheduled();
    const m = agentFigures(s, 'a1', t(0), t(120 * MIN));
    expect(m.adherencePct).toBe(0);
    expect(m.conformancePct).toBe(0);
  });

  it('given a1 stays an hour after the schedule, then conformance counts only staffed time within the scheduled period', () => {
    const s = apply(scheduled(), [ev.login('a1', t(0)), ev.state('a1', 'available', t(0)), ev.state('a1', 'break', t(60 * MIN)), ev.state('a1', 'available', t(75 * MIN))]);
    const m = agentFigures(s, 'a1', t(0), t(180 * MIN));
    expect(m.conformancePct).toBe(100);
    expect(m.adherencePct).toBe(100);
  });

  it('given an hour of overtime scheduled on top, then conformance may exceed 100 % only against a shorter schedule: staffed in the period / scheduled', () => {
    // The day is 08:00-12:00 but only 08:00-09:00 is scheduled (work): staffed 08:00-10:00 is 120 of 60.
    const s = apply(site(), [ev.schedule('a1', t(0), t(240 * MIN), [[t(0), t(60 * MIN), 'work']], t(-1)), ev.login('a1', t(0)), ev.state('a1', 'available', t(0)), ev.logout('a1', t(120 * MIN))]);
    const m = agentFigures(s, 'a1', t(0), t(240 * MIN));
    expect(m.conformancePct).toBe(200);
    expect(m.adherencePct).toBe(100);
  });

  it('given a whole day published and a1 signing in 42 minutes before the shift, then conformance is 100 % two minutes into the shift (not thousands), and overtime after the shift still counts', () => {
    const day = [t(-8 * 60 * MIN), t(16 * 60 * MIN)] as const;
    const s = apply(site(), [
      ev.schedule('a1', day[0], day[1], [[t(0), t(480 * MIN), 'work']], t(-9 * 60 * MIN)),
      ev.login('a1', t(-42 * MIN)),
      ev.state('a1', 'available', t(-42 * MIN)),
    ]);
    expect(agentFigures(s, 'a1', t(0), t(2 * MIN)).conformancePct).toBe(100);
    // Signed out half an hour after the shift: 510 staffed minutes of the shift's 480.
    apply(s, [ev.logout('a1', t(510 * MIN))]);
    expect(agentFigures(s, 'a1', t(0), t(600 * MIN)).conformancePct).toBeCloseTo((100 * 510) / 480, 6);
  });

  it('given lunch scheduled, then lunch counts as adherent as a not-ready state with that reason or a break with that reason', () => {
    const s = apply(site({ notReadyReasons: ['lunch'] }), [
      ev.schedule('a1', t(0), t(60 * MIN), [[t(0), t(30 * MIN), 'lunch'], [t(30 * MIN), t(60 * MIN), 'lunch']], t(-1)),
      ev.schedule('a2', t(0), t(60 * MIN), [[t(0), t(60 * MIN), 'lunch']], t(-1)),
      ev.login('a1', t(0)),
      ev.state('a1', 'lunch', t(0)),
      ev.login('a2', t(0)),
      ev.state('a2', 'break', t(0), 'lunch'),
    ]);
    expect(agentFigures(s, 'a1', t(0), t(60 * MIN)).adherencePct).toBe(100);
    expect(agentFigures(s, 'a2', t(0), t(60 * MIN)).adherencePct).toBe(100);
  });

  it('given no schedule, then adherence and conformance are null (not 0)', () => {
    const s = apply(site(), [ev.login('a1', t(0)), ev.state('a1', 'available', t(0))]);
    const m = agentFigures(s, 'a1', t(0), t(60 * MIN));
    expect(m.adherencePct).toBeNull();
    expect(m.conformancePct).toBeNull();
  });

  it('given a new schedule for the same day, then it replaces the old one from the moment it is known; the team and the site add up their agents', () => {
    const s = apply(site(), [ev.schedule('a1', t(0), t(120 * MIN), [[t(0), t(120 * MIN), 'work']], t(-1)), ev.login('a1', t(0)), ev.state('a1', 'available', t(0))]);
    // At 09:00 the second hour becomes a training the agent does not attend.
    apply(s, [ev.schedule('a1', t(0), t(120 * MIN), [[t(0), t(60 * MIN), 'work'], [t(60 * MIN), t(120 * MIN), 'training']], t(60 * MIN))]);
    expect(s.agents.get('a1')!.schedule!.spans).toEqual([[t(0), t(60 * MIN), 'work'], [t(60 * MIN), t(120 * MIN), 'training']]);
    const m = agentFigures(s, 'a1', t(0), t(120 * MIN));
    expect(m.adherencePct).toBe(50);
    const team = deriveMetrics(s.metrics.day(scopeKey.team('t1'), t(0)), s.config.params);
    expect(team.adherencePct).toBe(50);
  });

  it('given an absent scheduled agent, then the card is refreshed once a minute as the schedule is counted (no state change carries it)', () => {
    const s = scheduled();
    s.dirty.agents.clear();
    accrueAll(s, t(10));
    expect(s.dirty.agents.has('a1')).toBe(true);
    s.dirty.agents.clear();
    accrueAll(s, t(20));
    expect(s.dirty.agents.has('a1')).toBe(false);
    accrueAll(s, t(61));
    expect(s.dirty.agents.has('a1')).toBe(true);
  });

  it('given activities that overlap or leave the period, then the schedule is refused and nothing changes', () => {
    given(site()).when(ev.schedule('a1', t(0), t(60 * MIN), [[t(0), t(90 * MIN), 'work']], t(0))).rejected(/ends after the period/);
    given(site()).when(ev.schedule('a1', t(60), t(0), [], t(0))).rejected(/end is not after its start/);
    given(site()).when(ev.schedule('ghost', t(0), t(60), [], t(0))).rejected(/unknown agent ghost/);
  });
});
