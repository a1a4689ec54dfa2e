import { describe, expect, it } from 'vitest';
import { METRIC_FORMULAS } from '../contracts/index.ts';
import { accrueAll } from './evolve.ts';
import { queryMetrics } from './selectors.ts';
import { scopeKey } from './state.ts';
import { SiteCalendar } from './time.ts';
import { apply, ev, ready, site } from './testing.ts';

const at = (iso: string) => Date.parse(iso);
const H = 3_600_000;

describe('time: Asia/Ho_Chi_Minh (UTC+7, no DST)', () => {
  const cal = new SiteCalendar('Asia/Ho_Chi_Minh', 15);

  it('given an instant in the morning, when its day is asked then it starts at local midnight (17:00 UTC the day before)', () => {
    expect(cal.offsetMs(at('2026-03-02T08:00:00+07:00'))).toBe(7 * H);
    expect(cal.dayStart(at('2026-03-02T08:00:00+07:00'))).toBe(at('2026-03-01T17:00:00Z'));
    expect(cal.localDate(at('2026-03-01T17:30:00Z'))).toBe('2026-03-02');
  });

  it('given the last and first instants of a local day, when their days are asked then midnight separates them', () => {
    expect(cal.dayStart(at('2026-03-02T23:59:59.999+07:00'))).toBe(at('2026-03-02T00:00:00+07:00'));
    expect(cal.dayStart(at('2026-03-03T00:00:00+07:00'))).toBe(at('2026-03-03T00:00:00+07:00'));
    expect(cal.localDate(at('2026-03-02T23:59:59+07:00'))).toBe('2026-03-02');
  });

  it('given 15-minute intervals, when the interval of 08:14:59.999 and 08:15 are asked then they are 08:00 and 08:15', () => {
    expect(cal.intervalStart(at('2026-03-02T08:14:59.999+07:00'))).toBe(at('2026-03-02T08:00:00+07:00'));
    expect(cal.intervalStart(at('2026-03-02T08:15:00+07:00'))).toBe(at('2026-03-02T08:15:00+07:00'));
    expect(cal.intervalStart(at('2026-03-02T00:07:00+07:00'))).toBe(at('2026-03-02T00:00:00+07:00'));
  });

  it('given 60-minute intervals, when 08:59 is asked then the interval is 08:00 local', () => {
    expect(new SiteCalendar('Asia/Ho_Chi_Minh', 60).intervalStart(at('2026-03-02T08:59:00+07:00'))).toBe(at('2026-03-02T08:00:00+07:00'));
  });
});

describe('time: a zone with a 45-minute offset (Asia/Kathmandu, UTC+5:45)', () => {
  it('given 15- and 60-minute intervals, when 10:07 local is asked then intervals follow the local clock, not UTC', () => {
    const t = at('2026-03-02T10:07:00+05:45');
    expect(new SiteCalendar('Asia/Kathmandu', 15).intervalStart(t)).toBe(at('2026-03-02T10:00:00+05:45'));
    expect(new SiteCalendar('Asia/Kathmandu', 60).intervalStart(at('2026-03-02T10:50:00+05:45'))).toBe(at('2026-03-02T10:00:00+05:45'));
    expect(new SiteCalendar('Asia/Kathmandu', 15).dayStart(t)).toBe(at('2026-03-02T00:00:00+05:45'));
  });
});

describe('time: Asia/Jerusalem in 1999 (DST from 2 April 02:00 to 3 September 02:00)', () => {
  const cal = new SiteCalendar('Asia/Jerusalem', 15);
  const hourly = new SiteCalendar('Asia/Jerusalem', 60);

  describe('given the spring-forward day, 2 April (02:00 +02 became 03:00 +03: 23 hours)', () => {
    it('when the day of its afternoon is asked then it starts at midnight +02, and the next day at midnight +03', () => {
      expect(cal.offsetMs(at('1999-04-02T10:00:00+03:00'))).toBe(3 * H);
      expect(cal.dayStart(at('1999-04-02T10:00:00+03:00'))).toBe(at('1999-04-02T00:00:00+02:00'));
      expect(cal.dayStart(at('1999-04-03T10:00:00+03:00'))).toBe(at('1999-04-03T00:00:00+03:00'));
      expect(at('1999-04-03T00:00:00+03:00') - at('1999-04-02T00:00:00+02:00')).toBe(23 * H);
      expect(cal.localDate(at('1999-04-02T23:30:00+03:00'))).toBe('1999-04-02');
    });

    it('when the intervals around the jump are asked then 01:50 is in 01:45 (+02) and 03:10 in 03:00 (+03)', () => {
      expect(cal.intervalStart(at('1999-04-02T01:50:00+02:00'))).toBe(at('1999-04-02T01:45:00+02:00'));
      expect(cal.intervalStart(at('1999-04-02T03:10:00+03:00'))).toBe(at('1999-04-02T03:00:00+03:00'));
      expect(hourly.intervalStart(at('1999-04-02T01:59:00+02:00'))).toBe(at('1999-04-02T01:00:00+02:00'));
    });
  });

  describe('given the fall-back day, 3 September (02:00 +03 became 01:00 +02: 25 hours, 01:00-02:00 twice)', () => {
    it('when the day of its noon is asked then it starts at midnight +03 and lasts 25 hours', () => {
      expect(cal.dayStart(at('1999-09-03T12:00:00+02:00'))).toBe(at('1999-09-03T00:00:00+03:00'));
      expect(cal.dayStart(at('1999-09-04T12:00:00+02:00'))).toBe(at('1999-09-04T00:00:00+02:00'));
      expect(at('1999-09-04T00:00:00+02:00') - at('1999-09-03T00:00:00+03:00')).toBe(25 * H);
    });

    it('when the two 01:30s are asked then each lies in its own 01:00 hour and both in 3 September', () => {
      const first = at('1999-09-03T01:30:00+03:00');
      const second = at('1999-09-03T01:30:00+02:00');
      expect(second - first).toBe(H);
      expect(hourly.intervalStart(first)).toBe(at('1999-09-03T01:00:00+03:00'));
      expect(hourly.intervalStart(second)).toBe(at('1999-09-03T01:00:00+02:00'));
      expect(cal.intervalStart(second)).toBe(at('1999-09-03T01:30:00+02:00'));
      expect(cal.dayStart(first)).toBe(at('1999-09-03T00:00:00+03:00'));
      expect(cal.dayStart(second)).toBe(at('1999-09-03T00:00:00+03:00'));
      expect(cal.localDate(second)).toBe('1999-09-03');
    });
  });

  describe('given a Jerusalem site with calls around the fall-back day', () => {
    const s = site({ timeZone: 'Asia/Jerusalem', agents: [{ id: 'a1', name: 'A1', queues: ['booking'] }] });
    apply(s, [
      ...ready(at('1999-09-02T22:00:00+03:00'), 'a1'),
      ev.offered('before', 'booking', at('1999-09-02T23:30:00+03:00')),
      ev.abandoned('before', at('1999-09-02T23:30:30+03:00')),
      ev.offered('first', 'booking', at('1999-09-03T00:30:00+03:00')),
      ev.abandoned('first', at('1999-09-03T00:30:30+03:00')),
      ev.offered('last', 'booking', at('1999-09-03T23:30:00+02:00')),
      ev.abandoned('last', at('1999-09-03T23:30:30+02:00')),
    ]);
    accrueAll(s, at('1999-09-04T01:00:00+02:00'));

    it('when 3 September is read then it has the two calls offered in it', () => {
      const now = at('1999-09-04T01:00:00+02:00');
      const m = queryMetrics(
        s,
        { scope: 'queue', id: 'booking', from: at('1999-09-03T00:00:00+03:00'), to: at('1999-09-04T00:00:00+02:00'), interval: 'day' },
        now,
        METRIC_FORMULAS,
      );
      expect(m.total.offered).toBe(2);
      expect(m.series!.map((x) => [x.start, x.values.offered])).toEqual([[at('1999-09-03T00:00:00+03:00'), 2]]);
      expect(s.metrics.day(scopeKey.site, at('1999-09-02T12:00:00+03:00')).c.offered).toBe(1);
    });

    it('when an agent staffed from 2 September 22:00 to 4 September 01:00 is read then 3 September has 25 staffed hours', () => {
      const staffed = (iso: string) => s.metrics.day(scopeKey.agent('a1'), at(iso)).c.staffedMs;
      expect(staffed('1999-09-02T23:00:00+03:00')).toBe(2 * H);
      expect(staffed('1999-09-03T12:00:00+02:00')).toBe(25 * H);
      expect(staffed('1999-09-04T00:30:00+02:00')).toBe(1 * H);
    });
  });
});

describe('time: a DST change at midnight (America/Sao_Paulo, 2018-2019)', () => {
  const cal = new SiteCalendar('America/Sao_Paulo', 15);

  it('given 4 November 2018, when its day is asked then it starts at 01:00 -02 (midnight did not exist)', () => {
    expect(cal.dayStart(at('2018-11-04T12:00:00-02:00'))).toBe(at('2018-11-04T03:00:00Z'));
    expect(cal.dayStart(at('2018-11-03T23:30:00-03:00'))).toBe(at('2018-11-03T00:00:00-03:00'));
  });

  it('given 16 February 2019, when the repeated 23:30 is asked then both belong to the 16th, which started at midnight -02', () => {
    expect(cal.dayStart(at('2019-02-16T23:30:00-02:00'))).toBe(at('2019-02-16T00:00:00-02:00'));
    expect(cal.dayStart(at('2019-02-16T23:30:00-03:00'))).toBe(at('2019-02-16T00:00:00-02:00'));
    expect(cal.dayStart(at('2019-02-17T00:30:00-03:00'))).toBe(at('2019-02-17T00:00:00-03:00'));
  });
});
