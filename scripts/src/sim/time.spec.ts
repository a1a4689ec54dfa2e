import { describe, expect, it } from 'vitest';
import { eventTimeMs, formatDuration, isoInZone, isoWithOffset, localParts, localToUtc, parseDuration, TIME } from './time.ts';

describe('parseDuration', () => {
  it('reads units, combinations and bare seconds', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(15 * TIME.MINUTE);
    expect(parseDuration('2h')).toBe(2 * TIME.HOUR);
    expect(parseDuration('1h30m')).toBe(90 * TIME.MINUTE);
    expect(parseDuration('1d')).toBe(TIME.DAY);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('45')).toBe(45_000);
    expect(parseDuration('inf')).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses anything else with an example in the message', () => {
    expect(() => parseDuration('2 hours')).toThrow(/examples/);
    expect(() => parseDuration('h')).toThrow();
  });

  it('formats back for display', () => {
    expect(formatDuration(90 * TIME.MINUTE)).toBe('1h30m');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('unlimited');
  });
});

describe('time zones through Intl', () => {
  it('given Ho Chi Minh City (UTC+7, no DST), when converting local times, then the offset is always +07:00', () => {
    const { utc, kind } = localToUtc('Asia/Ho_Chi_Minh', 2026, 11, 22, 8, 0, 0);
    expect(kind).toBe('ok');
    expect(new Date(utc).toISOString()).toBe('2026-11-22T01:00:00.000Z');
    expect(isoInZone(utc, 'Asia/Ho_Chi_Minh')).toBe('2026-11-22T08:00:00+07:00');
    expect(localParts('Asia/Ho_Chi_Minh', utc).minuteOfDay).toBe(480);
  });

  it('given Israel in 1999, when a time is in winter or summer, then the offset is +02:00 or +03:00', () => {
    const winter = localToUtc('Asia/Jerusalem', 1999, 1, 15, 12, 0, 0);
    const summer = localToUtc('Asia/Jerusalem', 1999, 7, 15, 12, 0, 0);
    expect(new Date(winter.utc).toISOString()).toBe('1999-01-15T10:00:00.000Z');
    expect(new Date(summer.utc).toISOString()).toBe('1999-07-15T09:00:00.000Z');
  });

  it('given the spring-forward gap (1999-04-02 02:00-03:00 in Israel), when a time falls in it, then it moves forward by the gap', () => {
    const r = localToUtc('Asia/Jerusalem', 1999, 4, 2, 2, 30, 0);
    expect(r.kind).toBe('gap');
    expect(isoInZone(r.utc, 'Asia/Jerusalem')).toBe('1999-04-02T03:30:00+03:00');
  });

  it('given the fall-back fold (1999-09-03 01:00-02:00 in Israel), when a time falls in it, then the earlier instant is taken', () => {
    const r = localToUtc('Asia/Jerusalem', 1999, 9, 3, 1, 30, 0);
    expect(r.kind).toBe('fold');
    expect(isoInZone(r.utc, 'Asia/Jerusalem')).toBe('1999-09-03T01:30:00+03:00');
  });

  it('writes milliseconds only when there are some, and reads both forms of `at`', () => {
    expect(isoWithOffset(Date.UTC(2026, 0, 1, 0, 0, 0, 250), 7 * TIME.HOUR)).toBe('2026-01-01T07:00:00.250+07:00');
    expect(eventTimeMs('2026-01-01T07:00:00+07:00')).toBe(Date.UTC(2026, 0, 1));
    expect(eventTimeMs(42)).toBe(42);
    expect(Number.isNaN(eventTimeMs({}))).toBe(true);
  });
});
