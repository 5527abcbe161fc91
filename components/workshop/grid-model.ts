/**
 * The instructor console's roster × steps grid as data: columns grouped by chapter, and what
 * each cell says. Pure (no React), so the rules — when someone counts as stuck, what the
 * current step is — are tested on their own.
 */
import type { RosterRow, WorkshopStep } from '@/lab-server/protocol/workshop';

/** On the same step this long, a learner probably needs a hand (Instruqt and Educates flag ~5 min too). */
export const STUCK_AFTER_MS = 5 * 60_000;

export interface ChapterColumns {
  chapter: string;
  chapterTitle: string;
  steps: WorkshopStep[];
}

export type Cell =
  | { kind: 'passed'; at: number }
  /** The first step this learner has not passed; `stuckMinutes` once they have been on it too long. */
  | { kind: 'current'; since: number; stuckMinutes: number | null }
  | { kind: 'todo' };

export const stepKey = (chapter: string, step: string) => `${chapter}/${step}`;

/** Consecutive steps of the same chapter become one column group, in the server's order. */
export function groupSteps(steps: readonly WorkshopStep[]): ChapterColumns[] {
  const groups: ChapterColumns[] = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (last && last.chapter === step.chapter) last.steps.push(step);
    else groups.push({ chapter: step.chapter, chapterTitle: step.chapterTitle, steps: [step] });
  }
  return groups;
}

/** Whole minutes on the current step, once past the stuck threshold; otherwise null. */
export function stuckMinutes(since: number, now: number): number | null {
  const on = now - since;
  return on > STUCK_AFTER_MS ? Math.floor(on / 60_000) : null;
}

export function cellFor(row: RosterRow, step: WorkshopStep, now: number): Cell {
  const passedAt = row.passed[stepKey(step.chapter, step.id)];
  if (passedAt !== undefined) return { kind: 'passed', at: passedAt };
  if (row.current && row.current.chapter === step.chapter && row.current.step === step.id) {
    return { kind: 'current', since: row.current.since, stuckMinutes: stuckMinutes(row.current.since, now) };
  }
  return { kind: 'todo' };
}

/** How many of the workshop's steps this learner has passed (passes outside the workshop do not count). */
export function passedCount(row: RosterRow, steps: readonly WorkshopStep[]): number {
  return steps.filter((step) => row.passed[stepKey(step.chapter, step.id)] !== undefined).length;
}

/** Per step, how many learners passed it: the console's footer row ("7 of 12"). */
export function passedPerStep(rows: readonly RosterRow[], steps: readonly WorkshopStep[]): number[] {
  return steps.map((step) => rows.filter((row) => row.passed[stepKey(step.chapter, step.id)] !== undefined).length);
}

/** Learners stuck right now, longest first: who to walk over to. */
export function stuckLearners(rows: readonly RosterRow[], now: number): { seat: string; name: string; minutes: number }[] {
  return rows
    .flatMap((row) => {
      const minutes = row.current ? stuckMinutes(row.current.since, now) : null;
      return minutes === null ? [] : [{ seat: row.seat, name: row.name, minutes }];
    })
    .sort((a, b) => b.minutes - a.minutes);
}

/** What the session state means to an instructor (protocol/session.ts states, plus "none"). */
export function sessionLabel(state: string): string {
  switch (state) {
    case 'ready':
      return 'running';
    case 'starting':
      return 'starting';
    case 'queued':
      return 'waiting for a place';
    case 'ended':
      return 'ended';
    case 'error':
      return 'failed';
    case 'none':
      return 'no workspace';
    default:
      return state;
  }
}
