import type { Check } from '../../lib/content/schema';

/** Whether a check's result matches what the frontmatter expects. */
export function checkPasses(check: Check, result: { exitCode: number; stdout: string }): boolean {
  const stdout = result.stdout.trim();
  const expected = check.expect;
  if (expected === undefined) return result.exitCode === 0;
  if (typeof expected === 'string') return result.exitCode === 0 && stdout === expected.trim();
  if (expected.exitCode !== undefined && result.exitCode !== expected.exitCode) return false;
  if (expected.exitCode === undefined && result.exitCode !== 0) return false;
  if (expected.stdout !== undefined && stdout !== expected.stdout.trim()) return false;
  if (expected.match !== undefined && !new RegExp(expected.match, 'm').test(stdout)) return false;
  return true;
}
