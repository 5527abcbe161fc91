import { describe, expect, it } from 'vitest';
import { continueTarget, isPassed, type Progress } from './progress-store';

const chapters = [
  { slug: 'a', steps: [{ id: 'one' }, { id: 'two' }] },
  { slug: 'b', steps: [{ id: 'three' }] },
  { slug: 'c', steps: [] },
];
const progress = (steps: Array<[string, string, number]>): Progress => ({
  steps: steps.map(([chapter, step, passedAt]) => ({ chapter, step, passedAt })),
  totals: { a: 2, b: 1 },
});

describe('continue where you left off', () => {
  it('starts at the first step with no progress', () => {
    expect(continueTarget(chapters, null)).toEqual({ slug: 'a', step: 'one' });
  });

  it('goes to the first unpassed step from the chapter of the latest pass', () => {
    expect(continueTarget(chapters, progress([['a', 'two', 5]]))).toEqual({ slug: 'a', step: 'one' });
    expect(continueTarget(chapters, progress([['a', 'one', 1], ['a', 'two', 2]]))).toEqual({ slug: 'b', step: 'three' });
    expect(continueTarget(chapters, progress([['b', 'three', 9], ['a', 'one', 1]]))).toEqual({ slug: 'a', step: 'two' });
  });

  it('knows a passed step', () => {
    expect(isPassed(progress([['b', 'three', 1]]), 'b', 'three')).toBe(true);
    expect(isPassed(progress([['b', 'three', 1]]), 'a', 'three')).toBe(false);
  });
});
