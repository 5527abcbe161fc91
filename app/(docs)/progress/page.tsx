import type { Metadata } from 'next';
import { Sidebar } from '@/components/docs/sidebar';
import { ProgressList, type ProgressChapter } from '@/components/progress/progress-list.client';
import { readGuideSteps } from '@/lib/content/steps';

export const metadata: Metadata = {
  title: 'Your progress',
  description: 'The guide’s checked steps, the ones you have passed, and where to continue.',
};

/** A static list of the guide's checked steps; the learner's ticks are filled in by the browser. */
export default function ProgressPage() {
  const chapters: ProgressChapter[] = readGuideSteps()
    .filter((chapter) => chapter.steps.length > 0)
    .map((chapter) => ({
      slug: chapter.slug,
      title: chapter.title,
      ...(chapter.chapter !== undefined ? { chapter: chapter.chapter } : {}),
      steps: chapter.steps.map((step) => ({ id: step.id, title: step.title })),
    }));
  return (
    <>
      <Sidebar current="" />
      <main id="main-content" tabIndex={-1} className="docs-main">
        <article className="prose">
          <h1>Your progress</h1>
          <p className="page-lead">
            Each step of the guide is checked in your lab workspace; the ones you passed are ticked here. Progress is kept for
            this browser’s lab session.
          </p>
          <ProgressList chapters={chapters} />
        </article>
      </main>
    </>
  );
}
