import { describe, expect, it } from 'vitest';
import { WindowSchema, SettingsSchema } from './model.ts';
import { simulatePacing, type PacingSimOptions } from './pacing-sim.ts';
import { paceAlert, paceWhy } from './pace-reasons.ts';
import { checkWindow, governor, nextDayOpening, nextStep, planDials, quotaState, type PacingInput } from './policy.ts';

const H = 3_600_000;
const M = 60_000;
/** 2026-03-02 (a Monday) at hh:mm in Asia/Ho_Chi_Minh (UTC+7). */
const vn = (hh: number, mm = 0, day = 2) => Date.UTC(2026, 2, day, hh - 7, mm);
const w = WindowSchema.parse({});
const settings = SettingsSchema.parse({});

describe('call windows in the callee time zone', () => {
  it('given the default 08:00-21:00 window, a Vietnamese callee at 07:59 is outside, at 08:00 inside, at 21:00 outside again', () => {
    expect(checkWindow(vn(7, 59), 'Asia/Ho_Chi_Minh', w)).toEqual({ open: false, next: vn(8) });
    expect(checkWindow(vn(8), 'Asia/Ho_Chi_Minh', w)).toEqual({ open: true, next: vn(21) });
    expect(checkWindow(vn(21), 'Asia/Ho_Chi_Minh', w)).toEqual({ open: false, next: vn(8, 0, 3) });
  });

  it('the same instant is inside the window in Hanoi and outside in New York, whose opening is 08:00 there (UTC-5 in March before DST)', () => {
    const t = vn(10); // 03:00 UTC = 22:00 the day before in New York
    expect(checkWindow(t, 'Asia/Ho_Chi_Minh', w).open).toBe(true);
    const ny = checkWindow(t, 'America/New_York', w);
    expect(ny.open).toBe(false);
    expect(ny.next).toBe(Date.UTC(2026, 2, 2, 13, 0)); // 08:00 EST
  });

  it('across a DST change the opening follows local time (New York springs forward on 2026-03-08)', () => {
    const sat = Date.UTC(2026, 2, 7, 23, 0); // Saturday 18:00 EST
    expect(nextDayOpening(sat, 'America/New_York', w)).toBe(Date.UTC(2026, 2, 8, 12, 0)); // 08:00 EDT
  });

  it('weekdays: a Monday-Friday window skips the weekend', () => {
    const mf = WindowSchema.parse({ days: [1, 2, 3, 4, 5] });
    const sat = vn(10, 0, 7);
    expect(checkWindow(sat, 'Asia/Ho_Chi_Minh', mf)).toEqual({ open: false, next: vn(8, 0, 9) });
  });
});

describe('retry rules by result and disposition', () => {
  const ctx = (attempts: number, now = vn(10)) => ({ attempts, maxAttempts: 3, now, tz: 'Asia/Ho_Chi_Minh', settings });
  it('busy retries in 30 minutes, no answer in 2 hours, voicemail the next day at the window opening', () => {
    expect(nextStep('busy', ctx(1))).toMatchObject({ status: 'retry', dueAt: vn(10, 30) });
    expect(nextStep('no_answer', ctx(1))).toMatchObject({ status: 'retry', dueAt: vn(12) });
    expect(nextStep('voicemail', ctx(1))).toMatchObject({ status: 'retry', dueAt: vn(8, 0, 3) });
  });
  it('a retry that would fall after the window closes waits for the next opening', () => {
    expect(nextStep('no_answer', ctx(1, vn(20)))).toMatchObject({ status: 'retry', dueAt: vn(8, 0, 3) });
  });
  it('after the last attempt the lead is exhausted; an invalid number is finished at once', () => {
    expect(nextStep('busy', ctx(3))).toMatchObject({ status: 'exhausted' });
    expect(nextStep('invalid', ctx(1))).toMatchObject({ status: 'invalid' });
  });
  it('dispositions: a success finishes the lead as a conversion, `callback` retries by its rule, any other finishes it', () => {
    expect(nextStep('sold', ctx(1))).toEqual({ status: 'done', success: true, reason: 'sold' });
    expect(nextStep('callback', ctx(1))).toMatchObject({ status: 'retry', dueAt: vn(14) });
    expect(nextStep('not_interested', ctx(1))).toEqual({ status: 'done', success: false, reason: 'not_interested' });
  });
  it('rules are configurable per campaign', () => {
    const s = SettingsSchema.parse({ retry: { busy: 5, no_answer: 'never' } });
    expect(nextStep('busy', { ...ctx(1), settings: s })).toMatchObject({ status: 'retry', dueAt: vn(10, 5) });
    expect(nextStep('no_answer', { ...ctx(1), settings: s })).toMatchObject({ status: 'done', success: false });
  });
});

/** A pacing cycle's input: 5 free agents, progressive, nothing in flight, unless `o` says otherwise. */
const input = (o: Partial<PacingInput>): PacingInput => ({
  mode: 'progressive',
  freeAgents: 5,
  agentsFreeingSoon: 0,
  inflight: 0,
  waitingConnected: 0,
  attempts: 0,
  connected: 0,
  dropped: 0,
  dropRateCapPct: 3,
  maxDialRatio: 3,
  governor: 1,
  ...o,
});

describe('pacing', () => {
  it('preview never dials by itself; progressive dials one per free agent not covered yet', () => {
    expect(planDials(input({ mode: 'preview' })).dials).toBe(0);
    expect(planDials(input({ freeAgents: 5, inflight: 2, waitingConnected: 1 })).dials).toBe(2);
  });
  it('predictive dials ahead with a low connect rate and a drop budget, and is progressive without a budget', () => {
    const measured = { mode: 'predictive' as const, attempts: 1000, connected: 300 };
    expect(planDials(input({ ...measured, dropped: 0 })).dials).toBeGreaterThan(5);
    expect(planDials(input({ ...measured, dropped: 9 })).dials).toBe(5); // 3% of 300: at the cap
  });
  it('the governor stops or halves the pace', () => {
    expect(planDials(input({ governor: 0 })).dials).toBe(0);
    expect(planDials(input({ freeAgents: 6, governor: 0.5 })).dials).toBe(3);
  });

  const sim = (o: Partial<PacingSimOptions>) =>
    simulatePacing({
      mode: 'predictive',
      agents: 20,
      durationSec: 2 * 3600,
      rates: { connect: 0.3, busy: 0.2, noAnswer: 0.35, voicemail: 0.1, failed: 0.05, ringSec: 0 },
      handleSec: 150,
      ringSec: [8, 25],
      dropAfterSec: 2,
      dropRateCapPct: 3,
      ...o,
    });

  it('a predictive run of the simulator holds the 3% drop-rate cap over the campaign and keeps agents busier than progressive', () => {
    const pred = sim({ mode: 'predictive' });
    const prog = sim({ mode: 'progressive' });
    expect(pred.dropped).toBeGreaterThan(0); // it does dial ahead...
    expect(pred.dropRatePct).toBeLessThanOrEqual(3); // ...within the cap
    expect(pred.handled).toBeGreaterThan(prog.handled * 1.05);
    expect(pred.occupancyPct).toBeGreaterThan(prog.occupancyPct + 5);
  });

  it('the cap holds across team sizes, connect rates and handle times, on short and long runs', () => {
    const worst: number[] = [];
    for (const agents of [5, 20, 50])
      for (const connect of [0.2, 0.6])
        for (const handleSec of [45, 400])
          for (const durationSec of [1800, 4 * 3600]) {
            const r = sim({ agents, handleSec, durationSec, rates: { connect, busy: (1 - connect) / 2, noAnswer: (1 - connect) / 2, voicemail: 0, failed: 0, ringSec: 0 }, seed: `${agents}-${connect}-${handleSec}` });
            worst.push(r.dropRatePct);
          }
    expect(Math.max(...worst)).toBeLessThanOrEqual(3);
    // A lower cap is held too.
    expect(sim({ dropRateCapPct: 1 }).dropRatePct).toBeLessThanOrEqual(1);
  });
});

describe('governor and quotas', () => {
  it('backs off when a shared queue is under its SL target (paused with calls waiting, half pace without) and resumes at target + 2 points', () => {
    const g1 = governor([{ id: 'advice', serviceLevelPct: 70, targetPct: 80, inQueue: 3 }], undefined);
    expect(g1).toMatchObject({ factor: 0, backingOff: true });
    expect(g1.reason).toContain('advice: SL 70% < target 80%, 3 waiting');
    expect(governor([{ id: 'advice', serviceLevelPct: 70, targetPct: 80, inQueue: 0 }], undefined).factor).toBe(0.5);
    expect(governor([{ id: 'advice', serviceLevelPct: 81, targetPct: 80, inQueue: 0 }], g1).factor).toBe(0.5); // hysteresis
    const g2 = governor([{ id: 'advice', serviceLevelPct: 83, targetPct: 80, inQueue: 0 }], g1);
    expect(g2).toMatchObject({ factor: 1, backingOff: false });
    expect(g2.reason).toMatch(/recovered/);
  });
  it('quota: total and per segment', () => {
    expect(quotaState({ total: 10, perSegment: { hn: 3 } }, { total: 5, bySegment: { hn: 3, hcm: 2 } })).toEqual({ totalReached: false, fullSegments: ['hn'] });
    expect(quotaState({ total: 10, perSegment: {} }, { total: 10, bySegment: {} }).totalReached).toBe(true);
  });
});

describe('why the pacer does what it does, as codes with arguments beside the English sentence', () => {
  const why = (o: Partial<PacingInput>) => {
    const p = planDials(input(o));
    return { why: p.why, whyCode: p.whyCode, whyArgs: p.whyArgs };
  };

  it('given preview or progressive mode, the code names the mode and has no arguments', () => {
    expect(why({ mode: 'preview' })).toEqual({ why: 'preview: agents dial', whyCode: 'preview', whyArgs: {} });
    expect(why({ mode: 'progressive' })).toEqual({ why: 'progressive: one dial per free agent', whyCode: 'progressive', whyArgs: {} });
  });

  it('given the governor at 0, planDials says governorStopped whatever the mode', () => {
    expect(why({ mode: 'predictive', governor: 0 })).toEqual({ why: 'governor: inbound service level below target', whyCode: 'governorStopped', whyArgs: {} });
  });

  it('given predictive with fewer than 30 attempts, it is measuring, with the attempts so far and the 30 needed', () => {
    expect(why({ mode: 'predictive', attempts: 12, connected: 4 })).toEqual({
      why: 'predictive: measuring (progressive for the first 30 attempts)',
      whyCode: 'measuring',
      whyArgs: { attempts: 12, minAttempts: 30 },
    });
  });

  it('given predictive without a drop budget (6 drops of 300 connects, under one drop left of 3/4 of the 3 % cap), it is dropNearCap with the drop rate and the cap', () => {
    expect(why({ mode: 'predictive', attempts: 1000, connected: 300, dropped: 6 })).toEqual({
      why: 'predictive: drop rate 2.0% near the 3% cap, progressive',
      whyCode: 'dropNearCap',
      whyArgs: { dropRatePct: 2, capPct: 3, windowHours: 0 },
    });
    // Counts over a window: the sentence and the arguments say which.
    expect(why({ mode: 'predictive', attempts: 1000, connected: 300, dropped: 6, windowHours: 24 })).toEqual({
      why: 'predictive: drop rate 2.0% in the last 24 h near the 3% cap, progressive',
      whyCode: 'dropNearCap',
      whyArgs: { dropRatePct: 2, capPct: 3, windowHours: 24 },
    });
    // A zero cap never dials ahead either.
    expect(why({ mode: 'predictive', attempts: 1000, connected: 300, dropRateCapPct: 0 })).toMatchObject({ whyCode: 'dropNearCap', whyArgs: { dropRatePct: 0, capPct: 0 } });
  });

  it('given predictive with a budget, it says how many dials are in flight for how many agents at which connect rate', () => {
    const p = planDials(input({ mode: 'predictive', attempts: 1000, connected: 300, inflight: 2 }));
    expect(p.whyCode).toBe('predictive');
    if (p.whyCode !== 'predictive') return;
    expect(p.whyArgs.dialsInFlight).toBe(2 + p.dials);
    expect(p.whyArgs.connectRatePct).toBeCloseTo((100 * 305) / 1015, 6); // the measured rate with its prior
    expect(p.whyArgs.agents).toBeCloseTo(5 + 0.25 * (0.0225 * 300), 6); // 5 free + a quarter of the 6.75 drop budget
    expect(p.why).toBe(`predictive: ${p.whyArgs.dialsInFlight} dials in flight for 6.7 agents at 30% connect`);
  });

  it('given a shared queue under target with calls waiting, the governor says backingOff (paused) with that queue; other queues are not listed', () => {
    const g = governor(
      [
        { id: 'after-care', serviceLevelPct: 70, targetPct: 90, inQueue: 2 },
        { id: 'advice', serviceLevelPct: 95, targetPct: 80, inQueue: 5 },
        { id: 'quiet', serviceLevelPct: null, targetPct: 80, inQueue: 0 },
      ],
      undefined,
    );
    expect(g).toEqual({
      factor: 0,
      backingOff: true,
      code: 'backingOff',
      queues: [{ id: 'after-care', serviceLevelPct: 70, targetPct: 90, waiting: 2 }],
      reason: 'backing off (paused): after-care: SL 70% < target 90%, 2 waiting',
    });
  });

  it('given two queues under target, one with nobody waiting, the back-off lists both and pauses (the stricter wins)', () => {
    const g = governor(
      [
        { id: 'advice', serviceLevelPct: 75, targetPct: 80, inQueue: 0 },
        { id: 'after-care', serviceLevelPct: 60.4, targetPct: 90, inQueue: 1 },
      ],
      undefined,
    );
    expect(g.factor).toBe(0);
    expect(g.queues).toEqual([
      { id: 'advice', serviceLevelPct: 75, targetPct: 80, waiting: 0 },
      { id: 'after-care', serviceLevelPct: 60.4, targetPct: 90, waiting: 1 },
    ]);
    expect(g.reason).toBe('backing off (paused): advice: SL 75% < target 80%; after-care: SL 60% < target 90%, 1 waiting');
  });

  it('given under target with nobody waiting, half pace; then at target + 2 recovered; then at target again', () => {
    const half = governor([{ id: 'advice', serviceLevelPct: 70, targetPct: 80, inQueue: 0 }], undefined);
    expect(half).toMatchObject({ code: 'backingOff', factor: 0.5, queues: [{ id: 'advice', serviceLevelPct: 70, targetPct: 80, waiting: 0 }], reason: 'backing off (half pace): advice: SL 70% < target 80%' });
    const still = governor([{ id: 'advice', serviceLevelPct: 81, targetPct: 80, inQueue: 0 }], half);
    expect(still).toMatchObject({ code: 'backingOff', factor: 0.5, queues: [{ id: 'advice', serviceLevelPct: 81 }] }); // hysteresis
    const rec = governor([{ id: 'advice', serviceLevelPct: 83, targetPct: 80, inQueue: 0 }], still);
    expect(rec).toEqual({ factor: 1, backingOff: false, code: 'recovered', queues: [], reason: 'recovered: inbound service level back at target' });
    const ok = governor([{ id: 'advice', serviceLevelPct: 83, targetPct: 80, inQueue: 0 }], rec);
    expect(ok).toEqual({ factor: 1, backingOff: false, code: 'atTarget', queues: [], reason: 'inbound service level at target' });
  });

  it("the pacer's own reasons keep their English sentences", () => {
    expect(paceWhy('notRunning', { status: 'paused' })).toEqual({ why: 'campaign paused', whyCode: 'notRunning', whyArgs: { status: 'paused' } });
    expect(paceWhy('ended', { endAt: 1 }).why).toBe('end date reached');
    expect(paceWhy('notStarted', { startAt: 1 }).why).toBe('before the start date');
    expect(paceWhy('allDone', {}).why).toBe('every lead finished');
    expect(paceWhy('quotaReached', { quota: 2000 }).why).toBe('survey quota reached');
    expect(paceWhy('outsideWindow', { start: '08:00', end: '21:00' }).why).toBe('outside the call window (08:00-21:00 callee time)');
    expect(paceWhy('backingOff', { factor: 0.5, queues: [{ id: 'advice', serviceLevelPct: 70, targetPct: 80, waiting: 0 }] }).why).toBe('backing off (half pace): advice: SL 70% < target 80%');
  });

  it('alerts: the English sentence and the code with its arguments', () => {
    expect(paceAlert('runningOut', { leadsLeft: 30, minutesLeft: 15 })).toEqual({
      text: 'running out of leads: 30 left, about 15 min at the current pace',
      detail: { code: 'runningOut', args: { leadsLeft: 30, minutesLeft: 15 } },
    });
    expect(paceAlert('segmentQuota', { segments: ['hn', 'hcm'] })).toEqual({
      text: 'quota reached for hn, hcm: those leads are no longer dialed',
      detail: { code: 'segmentQuota', args: { segments: ['hn', 'hcm'] } },
    });
  });
});
