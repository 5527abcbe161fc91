/** Labels put on every Docker object the lab owns, so a restarted server can find and adopt or reap them. */
export const LABEL = {
  managed: 'lab.managed',
  role: 'lab.role',
  learner: 'lab.learner',
  createdAt: 'lab.created-at',
  expiresAt: 'lab.expires-at',
  clientIp: 'lab.client-ip',
} as const;

export type LabRole = 'workspace' | 'network' | 'test';

export function labLabels(role: LabRole, learnerId: string): Record<string, string> {
  return { [LABEL.managed]: '1', [LABEL.role]: role, [LABEL.learner]: learnerId, [LABEL.createdAt]: new Date().toISOString() };
}
