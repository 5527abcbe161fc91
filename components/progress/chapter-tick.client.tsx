'use client';

import { useProgress } from './progress-store';

/** A tick beside a chapter in the sidebar once the learner passed one of its steps ("2 of 3 steps done" for screen readers). */
export function ChapterTick({ slug }: { slug: string }) {
  const progress = useProgress();
  const done = progress?.steps.filter((step) => step.chapter === slug).length ?? 0;
  if (done === 0) return null;
  const total = progress?.totals[slug] ?? done;
  return (
    <span className="sidebar-tick" data-complete={done >= total ? 'true' : 'false'} data-testid={`chapter-tick-${slug}`}>
      <svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
        <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" />
      </svg>
      <span className="visually-hidden">
        , {done} of {total} steps done
      </span>
    </span>
  );
}
