import type { ChapterSteps } from '../../lib/content/steps';
import type { RosterRow, WorkshopStep } from '../protocol/workshop';
import type { SeatRecord } from '../store/workshops';

/** The grid's columns: every checked step of the workshop's chapters, in the workshop's order. */
export function workshopSteps(chapterSlugs: string[], guide: ChapterSteps[]): WorkshopStep[] {
  const bySlug = new Map(guide.map((chapter) => [chapter.slug, chapter]));
  return chapterSlugs.flatMap((slug) => {
    const chapter = bySlug.get(slug);
    return chapter ? chapter.steps.map((step) => ({ chapter: slug, chapterTitle: chapter.title, id: step.id, title: step.title })) : [];
  });
}

/** What the roster knows about a learner's workspace at this moment. */
export interface LiveState {
  session: string;
  connected: boolean;
  lastActivityAt?: number;
  expiresAt?: number;
  cpuPercent?: number;
  memoryMb?: number;
  panes: string[];
}

/**
 * One roster row. "Current" is the first step of the workshop they have not passed; they have
 * been on it since their latest pass of a workshop step (or since they joined).
 */
export function rosterRow(seat: SeatRecord, steps: WorkshopStep[], passes: Map<string, number> | undefined, live: LiveState, now: number): RosterRow {
  const passed: Record<string, number> = {};
  let lastPass = seat.joinedAt;
  for (const step of steps) {
    const key = `${step.chapter}/${step.id}`;
    const at = passes?.get(key);
    if (at === undefined) continue;
    passed[key] = at;
    lastPass = Math.max(lastPass, at);
  }
  const next = steps.find((step) => passed[`${step.chapter}/${step.id}`] === undefined);
  return {
    seat: seat.seat,
    name: seat.name,
    joinedAt: seat.joinedAt,
    session: live.session,
    connected: live.connected,
    idleMs: live.lastActivityAt === undefined ? null : Math.max(0, now - live.lastActivityAt),
    expiresAt: live.expiresAt ?? null,
    cpuPercent: live.cpuPercent ?? null,
    memoryMb: live.memoryMb ?? null,
    passed,
    current: next ? { chapter: next.chapter, step: next.id, since: lastPass } : null,
    panes: live.panes,
  };
}
