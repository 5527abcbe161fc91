import { createHash } from 'node:crypto';

/** Labels put on every Docker object the lab owns, so a restarted server can find and adopt or reap them. */
export const LABEL = {
  managed: 'lab.managed',
  /** Which lab server owns the object: several (a workshop server, a test run) may share one engine. */
  instance: 'lab.instance',
  role: 'lab.role',
  learner: 'lab.learner',
  createdAt: 'lab.created-at',
  expiresAt: 'lab.expires-at',
  clientIp: 'lab.client-ip',
  /** "1" on a warm-pool workspace: made before anyone claimed it (its owner is in the claims file). */
  pool: 'lab.pool',
  /** On a pool workspace started ahead for one group (a workshop): only its members claim it. */
  poolGroup: 'lab.pool-group',
} as const;

export type LabRole = 'workspace' | 'network' | 'test';

export function labLabels(instance: string, role: LabRole, learnerId: string): Record<string, string> {
  return { [LABEL.managed]: '1', [LABEL.instance]: instance, [LABEL.role]: role, [LABEL.learner]: learnerId, [LABEL.createdAt]: new Date().toISOString() };
}

/**
 * A lab server's identity on the engine, derived from its data directory: a restarted server
 * finds (and re-adopts) exactly its own objects, and never touches another lab's.
 */
export function instanceIdFor(dataDir: string): string {
  return createHash('sha256').update(dataDir).digest('hex').slice(0, 8);
}
