import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { learnerFromRequest, learnerFromToken, newLearner } from './identity';

const request = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } }) as IncomingMessage;

describe('learner identity', () => {
  it('issues 256-bit random tokens and derives a stable id from them', () => {
    const a = newLearner();
    const b = newLearner();
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    expect(a.id).toMatch(/^[0-9a-f]{32}$/);
    expect(learnerFromToken(a.token).id).toBe(a.id);
    expect(a.id).not.toContain(a.token);
  });

  it('reads the learner from the cookie header among other cookies', () => {
    const learner = newLearner();
    expect(learnerFromRequest(request(`theme=dark; lab_session=${learner.token}; x=1`))?.id).toBe(learner.id);
  });

  it.each([undefined, '', 'lab_session=', 'lab_session=short', `lab_session=${'a'.repeat(44)}`, 'lab_session=../../etc/passwd', 'other=1'])(
    'treats a missing or forged cookie (%j) as no learner',
    (cookie) => {
      expect(learnerFromRequest(request(cookie))).toBeUndefined();
    },
  );
});
