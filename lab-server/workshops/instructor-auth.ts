import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { LabConfig } from '../config';
import { HttpError } from '../http/request';
import type { WorkshopStore } from '../store/workshops';

export const INSTRUCTOR_COOKIE = 'lab_instructor';
const SESSION_MS = 12 * 60 * 60_000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The instructor key: the configured one, else the one kept in the data directory (so a restart
 * keeps instructors logged in and the printed key valid), else a new one written there.
 */
export function resolveInstructorKey(config: LabConfig): { key: string; source: 'config' | 'data-dir' | 'generated'; file: string } {
  const file = path.join(config.dataDir, 'instructor-key');
  if (config.instructorKey) return { key: config.instructorKey, source: 'config', file };
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= 12) return { key, source: 'data-dir', file };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(18).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, source: 'generated', file };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * Wrong keys per client address: a few tries a minute, then 429 until the minute is over. A
 * 24-character random key cannot be guessed at that rate; the limit also keeps the logs quiet.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds until the address may try again, or 0. */
  blockedFor(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    if (!entry || now - entry.windowStart >= this.windowMs) return 0;
    return entry.count >= this.maxFailures ? Math.ceil((entry.windowStart + this.windowMs - now) / 1000) : 0;
  }

  fail(address: string, now = Date.now()): void {
    const entry = this.failures.get(address);
    if (!entry || now - entry.windowStart >= this.windowMs) this.failures.set(address, { count: 1, windowStart: now });
    else entry.count++;
    if (this.failures.size > 10_000) {
      for (const [key, value] of this.failures) if (now - value.windowStart >= this.windowMs) this.failures.delete(key);
    }
  }
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** Instructors: one shared key, exchanged for a session cookie (stored hashed, so it survives restarts). */
export class InstructorAuth {
  private readonly keyDigest: Buffer;
  readonly limiter = new FailureLimiter();

  constructor(
    key: string,
    private readonly store: WorkshopStore,
    private readonly secureCookies: boolean,
  ) {
    this.keyDigest = sha256(key);
  }

  private keyMatches(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), this.keyDigest);
  }

  private refuseIfBlocked(address: string): void {
    const wait = this.blockedFor(address);
    if (wait > 0) throw new HttpError(429, 'too_many_attempts', `Too many wrong instructor keys from this address; try again in ${wait} s.`);
  }

  blockedFor(address: string): number {
    return this.limiter.blockedFor(address);
  }

  /** Checks the key and sets the session cookie. */
  login(res: ServerResponse, key: string, address: string): void {
    this.refuseIfBlocked(address);
    if (!this.keyMatches(key)) {
      this.limiter.fail(address);
      throw new HttpError(401, 'wrong_key', 'That is not the instructor key. It is printed when the lab server starts (or set with --instructor-key).');
    }
    const token = randomBytes(32).toString('base64url');
    this.store.addInstructorSession(sha256(token).toString('hex'), Date.now() + SESSION_MS);
    const attributes = [`${INSTRUCTOR_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${SESSION_MS / 1000}`];
    if (this.secureCookies) attributes.push('Secure');
    res.appendHeader('set-cookie', attributes.join('; '));
  }

  logout(req: IncomingMessage, res: ServerResponse): void {
    const token = cookieValue(req, INSTRUCTOR_COOKIE);
    if (token && TOKEN_PATTERN.test(token)) this.store.removeInstructorSession(sha256(token).toString('hex'));
    res.appendHeader('set-cookie', `${INSTRUCTOR_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
  }

  private hasSession(req: IncomingMessage): boolean {
    const token = cookieValue(req, INSTRUCTOR_COOKIE);
    return token !== undefined && TOKEN_PATTERN.test(token) && this.store.instructorSessionValid(sha256(token).toString('hex'), Date.now());
  }

  private bearer(req: IncomingMessage): string | undefined {
    return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  }

  /** Whether the request carries a valid instructor session cookie or `Authorization: Bearer <key>`. */
  isInstructor(req: IncomingMessage): boolean {
    if (this.hasSession(req)) return true;
    const bearer = this.bearer(req);
    return bearer !== undefined && this.keyMatches(bearer);
  }

  /**
   * For instructor endpoints: a session cookie passes (someone guessing keys from the same address
   * does not lock a logged-in instructor out); a bearer key counts like a login attempt; else 401.
   */
  require(req: IncomingMessage, address: string): void {
    if (this.hasSession(req)) return;
    const bearer = this.bearer(req);
    if (bearer !== undefined) {
      this.refuseIfBlocked(address);
      if (this.keyMatches(bearer)) return;
      this.limiter.fail(address);
    }
    throw new HttpError(401, 'not_instructor', 'Instructors only: log in at /instructor with the instructor key.');
  }
}
