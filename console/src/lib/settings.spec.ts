import { describe, expect, it } from 'vitest';
import { formatSpans, numberOf, parseHolidays, parseSpans } from './settings.ts';

describe('settings as typed', () => {
  it('business hours: spans read and written back; closed days empty; bad or overlapping spans named', () => {
    expect(parseSpans('8:00-12:00, 13:00 – 17:30')).toEqual({ ok: true, spans: [['08:00', '12:00'], ['13:00', '17:30']] });
    expect(parseSpans('')).toEqual({ ok: true, spans: [] });
    expect(parseSpans('18:00-08:00')).toEqual({ ok: false, bad: '18:00-08:00' });
    expect(parseSpans('08:00-12:00, 11:00-13:00')).toEqual({ ok: false, bad: '11:00-13:00' });
    expect(parseSpans('8h-12h')).toEqual({ ok: false, bad: '8h-12h' });
    expect(formatSpans([['08:00', '12:00'], ['13:00', '17:30']])).toBe('08:00-12:00, 13:00-17:30');
  });

  it('holidays: dates kept sorted and once; anything else reported', () => {
    expect(parseHolidays('2026-09-02\n2026-04-30, 2026-04-30 2026-02-30 30/4')).toEqual({ dates: ['2026-04-30', '2026-09-02'], bad: ['2026-02-30', '30/4'] });
  });

  it('numbers: empty is none, a comma is a decimal point, words are not numbers', () => {
    expect(numberOf('')).toBeNull();
    expect(numberOf('87,5')).toBe(87.5);
    expect(numberOf('abc')).toBeNaN();
  });
});
