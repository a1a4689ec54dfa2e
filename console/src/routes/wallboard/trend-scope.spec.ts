import { describe, expect, it } from 'vitest';
import { trendRequests, trendScope, trendScopeKey } from './trend-scope.ts';

const lines = ['booking', 'advice'];

describe('what the wallboard charts as its trends', () => {
  it('given no ?queues=, then the whole site, even before the lines are known', () => {
    expect(trendScope([], lines)).toEqual({ kind: 'site' });
    expect(trendScope([], null)).toEqual({ kind: 'site' });
    expect(trendRequests({ kind: 'site' })).toEqual(['/api/v1/metrics?scope=site&interval=15']);
  });

  it('given ?queues= with ids no line has only, then no trend: never the whole site\'s in their place', () => {
    const s = trendScope(['nope'], lines);
    expect(s).toEqual({ kind: 'none' });
    expect(trendRequests(s!)).toEqual([]);
    expect(trendScope(['nope', 'bookng'], lines)).toEqual({ kind: 'none' });
  });

  it('given ?queues= with known and unknown ids, then the known lines only', () => {
    const s = trendScope(['nope', 'advice', 'advice'], lines);
    expect(s).toEqual({ kind: 'lines', ids: ['advice'] });
    expect(trendRequests(s!)).toEqual(['/api/v1/metrics?scope=queue&id=advice&interval=15']);
  });

  it('given ?queues= before the hub said which lines there are, then nothing is loaded yet (not the site)', () => {
    expect(trendScope(['advice'], null)).toBeNull();
    expect(trendScopeKey(null)).toBe('');
  });

  it('the same scope has the same key, so a delta that changes no line does not reload the charts', () => {
    expect(trendScopeKey(trendScope(['advice', 'booking'], lines))).toBe(trendScopeKey(trendScope(['advice', 'booking'], [...lines, 'x'])));
    expect(trendScopeKey({ kind: 'none' })).not.toBe(trendScopeKey({ kind: 'site' }));
  });
});
