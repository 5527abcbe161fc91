'use client';

import { useSyncExternalStore } from 'react';

/** The learner's passed steps, as `GET /api/lab/progress` answers (see lab-server/checks/routes.ts). */
export interface PassedStep {
  chapter: string;
  step: string;
  passedAt: number;
}

export interface Progress {
  steps: readonly PassedStep[];
  totals: Readonly<Record<string, number>>;
}

/**
 * One copy of the progress per tab, shared by the sidebar ticks, the steps and the /progress
 * page: fetched on first use, then updated locally when a check passes (the server has already
 * recorded it). Framework-free apart from the hook, so it costs a few hundred bytes.
 */
let snapshot: Progress | null = null;
let loading: Promise<void> | undefined;
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

function load(): void {
  loading ??= fetch('/api/lab/progress', { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then(async (res) => {
      if (!res.ok) return;
      const body = (await res.json()) as Partial<Progress>;
      if (!Array.isArray(body.steps)) return;
      const fromServer = body.steps;
      // Keep passes this tab saw while the request was on its way.
      const local = (snapshot?.steps ?? []).filter((step) => !fromServer.some((s) => s.chapter === step.chapter && s.step === step.step));
      const merged = [...fromServer, ...local];
      snapshot = { steps: merged, totals: body.totals ?? {} };
      emit();
    })
    .catch(() => undefined); // no lab server (a static preview): no ticks
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  load();
  return () => listeners.delete(listener);
}

const getSnapshot = () => snapshot;
const getServerSnapshot = () => null;

/** The progress, or null until it has loaded (and during server rendering). */
export function useProgress(): Progress | null {
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}

export function isPassed(progress: Progress | null, chapter: string, step: string): boolean {
  return !!progress?.steps.some((entry) => entry.chapter === chapter && entry.step === step);
}

/** A check passed in this tab: show it everywhere at once. */
export function markPassed(chapter: string, step: string): void {
  if (isPassed(snapshot, chapter, step)) return;
  const current = snapshot ?? { steps: [], totals: {} };
  snapshot = { ...current, steps: [...current.steps, { chapter, step, passedAt: Date.now() }] };
  emit();
}

/** Where to go next: the first unpassed step at or after the chapter of the latest pass, in reading order (then from the start). */
export function continueTarget(
  chapters: ReadonlyArray<{ slug: string; steps: ReadonlyArray<{ id: string }> }>,
  progress: Progress | null,
): { slug: string; step?: string } | undefined {
  const latest = [...(progress?.steps ?? [])].sort((a, b) => b.passedAt - a.passedAt)[0];
  const start = latest ? Math.max(0, chapters.findIndex((chapter) => chapter.slug === latest.chapter)) : 0;
  for (const chapter of [...chapters.slice(start), ...chapters.slice(0, start)]) {
    const next = chapter.steps.find((step) => !isPassed(progress, chapter.slug, step.id));
    if (next) return { slug: chapter.slug, step: next.id };
  }
  return chapters[0] ? { slug: chapters[0].slug } : undefined;
}
