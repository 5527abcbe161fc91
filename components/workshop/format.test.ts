import { describe, expect, it } from 'vitest';
import { clockSkewFrom, formatElapsed, formatTimeLeft } from './format';

const MIN = 60_000;

describe('formatTimeLeft', () => {
  it('is null once the deadline has passed', () => {
    expect(formatTimeLeft(1000, 1000)).toBeNull();
    expect(formatTimeLeft(1000, 5000)).toBeNull();
  });

  it('counts seconds only in the last two minutes, then rounds minutes up', () => {
    expect(formatTimeLeft(45_000, 0)).toBe('45 s');
    expect(formatTimeLeft(119_500, 0)).toBe('120 s');
    expect(formatTimeLeft(2 * MIN, 0)).toBe('2 min');
    expect(formatTimeLeft(12 * MIN + 1, 0)).toBe('13 min');
    expect(formatTimeLeft(59 * MIN, 0)).toBe('59 min');
  });

  it('shows hours with two-digit minutes', () => {
    expect(formatTimeLeft(60 * MIN, 0)).toBe('1 h 00 min');
    expect(formatTimeLeft(65 * MIN, 0)).toBe('1 h 05 min');
    expect(formatTimeLeft(150 * MIN, 0)).toBe('2 h 30 min');
  });
});

describe('formatElapsed', () => {
  it('says just now for a few seconds, then seconds, minutes, hours', () => {
    expect(formatElapsed(0)).toBe('just now');
    expect(formatElapsed(4_999)).toBe('just now');
    expect(formatElapsed(45_000)).toBe('45 s');
    expect(formatElapsed(7 * MIN + 30_000)).toBe('7 min');
    expect(formatElapsed(130 * MIN)).toBe('2 h 10 min');
  });
});

describe('clockSkewFrom', () => {
  it('ignores a missing or unreadable header and sub-second rounding', () => {
    expect(clockSkewFrom(null, 0)).toBe(0);
    expect(clockSkewFrom('not a date', 0)).toBe(0);
    const now = Date.parse('Sat, 28 Nov 2026 10:00:00 GMT');
    expect(clockSkewFrom('Sat, 28 Nov 2026 10:00:00 GMT', now + 900)).toBe(0);
  });

  it('gives server minus local when the clocks really differ', () => {
    const local = Date.parse('Sat, 28 Nov 2026 10:00:00 GMT');
    expect(clockSkewFrom('Sat, 28 Nov 2026 10:03:00 GMT', local)).toBe(3 * MIN);
    expect(clockSkewFrom('Sat, 28 Nov 2026 09:58:00 GMT', local)).toBe(-2 * MIN);
  });
});
