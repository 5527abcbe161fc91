import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * How hard the chaos suite pushes. `npm test` runs the short form (a few minutes, same faults,
 * smaller counts); `npm run test:chaos` sets CHAOS_LONG=1 for the figures.
 */
export const LONG = process.env.CHAOS_LONG === '1';

export const SCALE = {
  /** fast-check runs per hostile edge. */
  casesPerEdge: LONG ? 10_000 : 400,
  /** Simulated learners typing while a fault happens. */
  learners: LONG ? 20 : 6,
  /** Connections a slow or abusive client opens. */
  slowConnections: LONG ? 200 : 60,
  /** `docker run -d` / `docker network create` attempts in the exhaustion test. */
  floodAttempts: LONG ? 1000 : 100,
} as const;

/** Every chaos data dir lives under here (never the repo's .lab-data, never shared with another suite). */
export const CHAOS_ROOT = process.env.CHAOS_ROOT ?? '/tmp/lab-chaos';

export function chaosDataDir(name: string): string {
  return path.join(CHAOS_ROOT, `${name}-${process.pid}`);
}

/** The figure lines a run measured: printed, and appended to one file for docs/RELIABILITY.md. */
export function figure(name: string, value: string): void {
  const text = `${LONG ? 'long ' : 'short'} ${name.padEnd(56)} ${value}`;
  process.stdout.write(`${text}\n`);
  mkdirSync(CHAOS_ROOT, { recursive: true });
  appendFileSync(path.join(CHAOS_ROOT, 'figures.log'), `${new Date().toISOString()} ${text}\n`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
