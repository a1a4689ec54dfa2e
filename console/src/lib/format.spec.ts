import { describe, expect, it } from 'vitest';
import { fmtDuration, fmtInt, fmtPct } from './format.ts';

describe('formats by locale', () => {
  it('numbers and percentages in Vietnamese and English', () => {
    expect(fmtInt(12345, 'vi')).toBe('12.345');
    expect(fmtInt(12345, 'en')).toBe('12,345');
    expect(fmtPct(87.5, 'vi', 1)).toBe('87,5\u00a0%');
    expect(fmtPct(87.5, 'en', 1)).toBe('87.5%');
    expect(fmtPct(null, 'vi')).toBe('—');
  });
  it('durations as m:ss and h:mm:ss', () => {
    expect(fmtDuration(0)).toBe('0:00');
    expect(fmtDuration(75.4)).toBe('1:15');
    expect(fmtDuration(3725)).toBe('1:02:05');
    expect(fmtDuration(null)).toBe('—');
  });
});
