import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Learners have no accounts: a random 256-bit token in an HttpOnly cookie is their identity.
 * The lab never stores the token; it stores (and labels containers with) a hash of it, so
 * nothing on the engine or on disk lets anyone act as a learner, and guessing an id gets nothing.
 */
export const COOKIE_NAME = 'lab_session';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface Learner {
  token: string;
  /** 32 hex characters derived from the token; safe to log and to put on Docker objects. */
  id: string;
}

export function learnerFromToken(token: string): Learner {
  return { token, id: createHash('sha256').update(token).digest('hex').slice(0, 32) };
}

export function newLearner(): Learner {
  return learnerFromToken(randomBytes(32).toString('base64url'));
}

/** The learner named by the request's cookie, or undefined when it is missing or malformed. */
export function learnerFromRequest(req: IncomingMessage): Learner | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== COOKIE_NAME) continue;
    const value = rest.join('=');
    return TOKEN_PATTERN.test(value) ? learnerFromToken(value) : undefined;
  }
  return undefined;
}

/**
 * The cookie is the learner's progress too (ticks, /progress, the workshop roster), so it lasts
 * half a year rather than a browser session; a workspace still lives only its TTL.
 */
export const LEARNER_COOKIE_MAX_AGE_S = 180 * 24 * 60 * 60;

export function setLearnerCookie(res: ServerResponse, learner: Learner, secure: boolean): void {
  const attributes = [`${COOKIE_NAME}=${learner.token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${LEARNER_COOKIE_MAX_AGE_S}`];
  if (secure) attributes.push('Secure');
  res.appendHeader('set-cookie', attributes.join('; '));
}
