'use client';

import Link from 'next/link';
import { guideHref } from '@/lib/content/routes';
import { continueTarget, isPassed, useProgress } from './progress-store';

export interface ProgressChapter {
  slug: string;
  title: string;
  chapter?: number;
  steps: Array<{ id: string; title: string }>;
}

/** The /progress page's list: every chapter with checked steps, ticks for the passed ones, and where to continue. */
export function ProgressList({ chapters }: { chapters: ProgressChapter[] }) {
  const progress = useProgress();
  const target = continueTarget(chapters, progress);
  const passedCount = progress?.steps.length ?? 0;
  const total = chapters.reduce((sum, chapter) => sum + chapter.steps.length, 0);
  return (
    <>
      <p className="progress-summary" role="status" aria-live="polite" data-testid="progress-summary">
        {progress ? `${passedCount} of ${total} steps done.` : 'Loading your progress…'}
      </p>
      {target ? (
        <p>
          <Link className="progress-continue" href={`${guideHref(target.slug)}${target.step ? `#step-${target.step}` : ''}`}>
            {passedCount > 0 ? 'Continue where you left off' : 'Start with the first step'}
          </Link>
        </p>
      ) : null}
      <ol className="progress-chapters">
        {chapters.map((chapter) => (
          <li key={chapter.slug}>
            <h2 className="progress-chapter-title">
              <Link href={guideHref(chapter.slug)}>
                {chapter.chapter !== undefined ? `${chapter.chapter}. ` : ''}
                {chapter.title}
              </Link>
            </h2>
            <ul className="progress-steps">
              {chapter.steps.map((step) => {
                const done = isPassed(progress, chapter.slug, step.id);
                return (
                  <li key={step.id} data-step={`${chapter.slug}/${step.id}`} data-passed={done ? 'true' : 'false'}>
                    <span className="progress-mark" aria-hidden="true">
                      {done ? '✓' : '○'}
                    </span>
                    <Link href={`${guideHref(chapter.slug)}#step-${step.id}`}>{step.title}</Link>
                    <span className="visually-hidden">{done ? ' (done)' : ' (not done yet)'}</span>
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ol>
    </>
  );
}
