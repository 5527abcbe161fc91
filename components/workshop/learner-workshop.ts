/**
 * What a learner's guide page knows about their workshop (GET /api/lab/workshop and its event
 * stream), parsed by hand: this runs on guide pages, which must not carry zod (see
 * components/lab/session-api.ts). Only the types come from the contract.
 */
import type { Broadcast, LearnerWorkshop } from '@/lab-server/protocol/workshop';

export type LearnerWorkshopInfo = LearnerWorkshop['workshop'];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function parseBroadcast(value: unknown): Broadcast | undefined {
  if (!isRecord(value)) return undefined;
  const { id, message, command, sentAt } = value;
  if (typeof id !== 'number' || typeof message !== 'string' || typeof sentAt !== 'number') return undefined;
  return { id, message, sentAt, ...(typeof command === 'string' && command !== '' ? { command } : {}) };
}

/** The learner's workshop; null for `{ workshop: null }` or anything this page cannot read. */
export function parseLearnerWorkshop(body: unknown): LearnerWorkshopInfo | null {
  if (!isRecord(body) || !isRecord(body.workshop)) return null;
  const w = body.workshop;
  if (typeof w.id !== 'string' || typeof w.title !== 'string' || typeof w.endsAt !== 'number') return null;
  if (w.state !== 'active' && w.state !== 'ended') return null;
  const chapters = Array.isArray(w.chapters)
    ? w.chapters.flatMap((c) => (isRecord(c) && typeof c.slug === 'string' && typeof c.title === 'string' ? [{ slug: c.slug, title: c.title }] : []))
    : [];
  const broadcasts = Array.isArray(w.broadcasts) ? w.broadcasts.flatMap((b) => parseBroadcast(b) ?? []) : [];
  return {
    id: w.id,
    title: w.title,
    chapters,
    endsAt: w.endsAt,
    state: w.state,
    name: typeof w.name === 'string' ? w.name : '',
    removed: w.removed === true,
    broadcasts,
  };
}

/** How many broadcasts stay on screen at once (the newest); older ones were read or are stale. */
export const SHOWN_BROADCASTS = 3;

/** The newest broadcasts the learner has not dismissed, newest first. */
export function shownBroadcasts(broadcasts: readonly Broadcast[], dismissed: ReadonlySet<number>, limit = SHOWN_BROADCASTS): Broadcast[] {
  return [...broadcasts]
    .sort((a, b) => b.sentAt - a.sentAt || b.id - a.id)
    .filter((b) => !dismissed.has(b.id))
    .slice(0, limit);
}

/** Dismissed broadcast ids per workshop, in sessionStorage: a reload does not bring them back. */
export const dismissedKey = (workshopId: string) => `workshop.dismissed.${workshopId}`;

export function readDismissed(storage: Pick<Storage, 'getItem'> | undefined, workshopId: string): Set<number> {
  try {
    const raw = storage?.getItem(dismissedKey(workshopId));
    const ids: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number') : []);
  } catch {
    return new Set();
  }
}

export function writeDismissed(storage: Pick<Storage, 'setItem'> | undefined, workshopId: string, ids: ReadonlySet<number>): void {
  try {
    // The newest hundred is plenty: ids only grow, and old ones are no longer shown anyway.
    storage?.setItem(dismissedKey(workshopId), JSON.stringify([...ids].sort((a, b) => b - a).slice(0, 100)));
  } catch {
    // storage unavailable: dismissing still works until the next reload
  }
}
