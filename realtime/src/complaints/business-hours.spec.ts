import { describe, expect, it } from 'vitest';
import { BusinessClock, defaultBusinessHours } from './business-hours.ts';
import { reopen, slaState, transition, type FlowState } from './complaint-flow.ts';

/** Site-local time in Ho Chi Minh City (UTC+7). 2026-03-02 is a Monday. */
const vn = (s: string) => Date.parse(`${s}+07:00`);
const iso = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);
const clock = new BusinessClock(defaultBusinessHours());

describe('business hours (Mon-Fri 08:00-12:00, 13:00-17:30; Sat 08:00-12:00; Asia/Ho_Chi_Minh)', () => {
  it('given Friday 16:30, when 8 business hours are added then they run over Saturday morning, skip Sunday and end Monday 11:00', () => {
    expect(iso(clock.addBusinessMinutes(vn('2026-03-06T16:30:00'), 480))).toBe('2026-03-09T11:00');
  });
  it('given an evening, when 1 business hour is added then it ends at 09:00 the next morning', () => {
    expect(iso(clock.addBusinessMinutes(vn('2026-03-03T20:00:00'), 60))).toBe('2026-03-04T09:00');
  });
  it('given 11:30, when 1 business hour is added then the lunch break does not count', () => {
    expect(iso(clock.addBusinessMinutes(vn('2026-03-04T11:30:00'), 60))).toBe('2026-03-04T13:30');
  });
  it('given Saturday 11:00, when 2 business hours are added then the rest lands on Monday 09:00', () => {
    expect(iso(clock.addBusinessMinutes(vn('2026-03-07T11:00:00'), 120))).toBe('2026-03-09T09:00');
  });
  it('given a Sunday, when 0 minutes are added then it is Monday opening', () => {
    expect(iso(clock.addBusinessMinutes(vn('2026-03-08T10:00:00'), 0))).toBe('2026-03-09T08:00');
  });
  it('given Monday is a holiday, when 8 hours are added from Friday 16:30 then they end Tuesday 11:00', () => {
    const c = new BusinessClock({ ...defaultBusinessHours(), holidays: ['2026-03-09'] });
    expect(iso(c.addBusinessMinutes(vn('2026-03-06T16:30:00'), 480))).toBe('2026-03-10T11:00');
  });
  it('business time between Friday 17:00 and Monday 09:00 is 30 + 240 + 60 minutes', () => {
    expect(clock.businessMsBetween(vn('2026-03-06T17:00:00'), vn('2026-03-09T09:00:00')) / 60_000).toBe(330);
    expect(clock.businessMsBetween(vn('2026-03-09T09:00:00'), vn('2026-03-06T17:00:00'))).toBe(0);
  });
  it('open at 09:00 on a weekday, closed at 12:30, in the evening and on Sunday', () => {
    expect(clock.isOpen(vn('2026-03-04T09:00:00'))).toBe(true);
    expect(clock.isOpen(vn('2026-03-04T12:30:00'))).toBe(false);
    expect(clock.isOpen(vn('2026-03-04T19:00:00'))).toBe(false);
    expect(clock.isOpen(vn('2026-03-08T09:00:00'))).toBe(false);
  });
  it('refuses a malformed calendar', () => {
    expect(() => new BusinessClock({ ...defaultBusinessHours(), hours: { 1: [['17:00', '08:00']] } })).toThrow(/bad span/);
    expect(() => new BusinessClock({ ...defaultBusinessHours(), hours: { 8: [['08:00', '17:00']] } })).toThrow(/weekday/);
  });
});

describe('complaint status flow and SLA clock', () => {
  const opened = vn('2026-03-06T16:30:00'); // Friday
  const fresh = (): FlowState => ({
    status: 'open',
    openedAt: opened,
    dueAt: clock.addBusinessMinutes(opened, 480),
    pausedAt: null,
    resolvedAt: null,
    closedAt: null,
    reopenCount: 0,
    rootCause: null,
    slaBusinessMin: 480,
  });
  const ok = (r: ReturnType<typeof transition>) => {
    if (!r.ok) throw new Error(r.message);
    return r.state;
  };

  it('given an open complaint, when it is closed directly then that is refused (resolve first)', () => {
    expect(transition(fresh(), 'closed', opened, clock)).toMatchObject({ ok: false, code: 'conflict' });
  });
  it('given a complaint in progress, when resolved without a root cause then it is refused', () => {
    const s = ok(transition(fresh(), 'in_progress', opened, clock));
    expect(transition(s, 'resolved', opened, clock)).toMatchObject({ ok: false, code: 'invalid' });
  });
  it('given waiting on the customer over the weekend, when work resumes then the due time moves by the business time that was left', () => {
    // Opened Friday 16:30 (due Monday 11:00); waiting from Friday 17:00; resumed Tuesday 08:00.
    let s = ok(transition(fresh(), 'in_progress', vn('2026-03-06T16:45:00'), clock));
    s = ok(transition(s, 'waiting_on_customer', vn('2026-03-06T17:00:00'), clock));
    expect(slaState(s, vn('2026-03-10T08:00:00'))).toBe('paused');
    s = ok(transition(s, 'in_progress', vn('2026-03-10T08:00:00'), clock));
    expect(s.pausedAt).toBeNull();
    // Left at the pause: Fri 17:00-17:30 (30) + Sat 240 + Mon 08:00-11:00 (180) = 450 minutes from Tuesday 08:00.
    expect(iso(s.dueAt!)).toBe('2026-03-10T16:30');
    s = ok(transition(s, 'resolved', vn('2026-03-10T15:00:00'), clock, 'process'));
    expect(slaState(s, vn('2026-03-11T09:00:00'))).toBe('ok');
  });
  it('given a complaint past due, the SLA is breached; a reopen starts a fresh SLA and counts', () => {
    let s = ok(transition(fresh(), 'resolved', vn('2026-03-09T12:00:00'), clock, 'process'));
    expect(slaState(s, vn('2026-03-09T12:00:00'))).toBe('breached');
    s = ok(transition(s, 'closed', vn('2026-03-09T13:00:00'), clock));
    expect(transition(s, 'in_progress', vn('2026-03-09T14:00:00'), clock).ok).toBe(false);
    const r = reopen(s, vn('2026-03-09T14:00:00'), clock);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.state).toMatchObject({ status: 'in_progress', reopenCount: 1, resolvedAt: null, closedAt: null });
    expect(iso(r.state.dueAt!)).toBe('2026-03-10T13:30');
    expect(reopen(fresh(), opened, clock)).toMatchObject({ ok: false, code: 'conflict' });
  });
});
