import { describe, expect, it } from 'vitest';
import { joinCodeSchema, JOIN_CODE_ALPHABET } from '@/lab-server/protocol/workshop';
import { CODE_PATTERN, joinFailureMessage, normalizeCode } from './join';

describe('normalizeCode', () => {
  it('upper-cases, drops spaces and dashes, keeps six characters', () => {
    expect(normalizeCode('abc-def')).toBe('ABCDEF');
    expect(normalizeCode(' ab cd ef gh')).toBe('ABCDEF');
    expect(normalizeCode('k7')).toBe('K7');
  });

  it('accepts exactly what the contract accepts', () => {
    for (const code of ['ABCDEF', 'XYZ234', 'ABCDE0', 'ABCDEO', 'ABCDE1', 'ABCDEI', 'ABCDEL', 'ABCDE']) {
      expect(CODE_PATTERN.test(code), code).toBe(joinCodeSchema.safeParse(code).success);
    }
    expect(JOIN_CODE_ALPHABET.split('').every((c) => CODE_PATTERN.test(c.repeat(6)))).toBe(true);
  });
});

describe('joinFailureMessage', () => {
  it('leads with what happened, then the server’s reason', () => {
    expect(joinFailureMessage(409, 'The workshop “X” is full: all 3 seats are taken.')).toBe('This workshop is full. The workshop “X” is full: all 3 seats are taken.');
    expect(joinFailureMessage(404, 'No workshop has this code.')).toBe('Wrong code. No workshop has this code.');
    expect(joinFailureMessage(403, 'Your instructor removed you from this workshop.')).toMatch(/^You cannot rejoin this workshop\. Your instructor removed you/);
  });

  it('passes other statuses through, and does not repeat itself', () => {
    expect(joinFailureMessage(500, 'The lab server had a problem.')).toBe('The lab server had a problem.');
    expect(joinFailureMessage(404, 'Wrong code.')).toBe('Wrong code.');
  });
});
