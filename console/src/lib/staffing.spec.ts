import { describe, expect, it } from 'vitest';
import { fetchStaffing, staffingLevel, type Staffing } from './staffing.ts';

const st = (required: number | null, working: number): Staffing => ({
  queue: 'q',
  basis: { callsPerInterval: 12, ahtSec: 200, patienceSec: 60, slTargetPct: 80, slThresholdSec: 20 },
  staffed: working,
  working,
  required: required === null ? null : { model: 'erlang-a', agents: required, serviceLevelPct: 85 },
  atCurrent: null,
});

describe('staffing on the supervisor page', () => {
  it('levels: enough is ok, one short is a warning, more is bad, no answer is ok', () => {
    expect(staffingLevel(st(5, 6))).toBe('ok');
    expect(staffingLevel(st(5, 5))).toBe('ok');
    expect(staffingLevel(st(5, 4))).toBe('warn');
    expect(staffingLevel(st(5, 2))).toBe('bad');
    expect(staffingLevel(st(null, 0))).toBe('ok');
    expect(staffingLevel(undefined)).toBe('ok');
  });

  it('fetches each line and leaves out the ones that fail', async () => {
    const asked: string[] = [];
    const r = await fetchStaffing(['a', 'b c'], async (path) => {
      asked.push(path);
      if (path.includes('b%20c')) throw new Error('500');
      return st(3, 3);
    });
    expect(asked).toEqual(['/api/v1/staffing?queue=a&window=30', '/api/v1/staffing?queue=b%20c&window=30']);
    expect(Object.keys(r)).toEqual(['a']);
  });
});
