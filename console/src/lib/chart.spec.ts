import { describe, expect, it } from 'vitest';
import { partialLast, pointRadiusFor } from './chart.ts';

describe('chart helpers', () => {
  it('a series of one to three points draws them big enough to see on a TV; a longer one keeps its radius', () => {
    expect(pointRadiusFor(1, 2)).toBe(6);
    expect(pointRadiusFor(3, 2)).toBe(6);
    expect(pointRadiusFor(4, 2)).toBe(2);
    expect(pointRadiusFor(2, 8)).toBe(8);
  });

  it("dashes only the segment into the last point, and only when that day is not over", () => {
    const today = partialLast(14, true);
    expect(today.borderDash({ p1DataIndex: 13 })).toEqual([5, 4]);
    expect(today.borderDash({ p1DataIndex: 12 })).toBeUndefined();
    expect(partialLast(14, false).borderDash({ p1DataIndex: 13 })).toBeUndefined();
  });
});
