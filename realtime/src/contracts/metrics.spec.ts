import { describe, expect, it } from 'vitest';
import { everyStep } from './metrics.ts';

describe('everyStep: a series with its quiet intervals', () => {
  it('given starts with a gap, every step between the first and the last is there', () => {
    expect(everyStep([0, 15, 60], 15)).toEqual([0, 15, 30, 45, 60]);
  });

  it('given one start, none, or starts off the grid of the step, they come back as they are', () => {
    expect(everyStep([30], 15)).toEqual([30]);
    expect(everyStep([], 15)).toEqual([]);
    expect(everyStep([0, 20, 45], 15)).toEqual([0, 20, 45]);
    expect(everyStep([0, 45], 0)).toEqual([0, 45]);
  });
});
