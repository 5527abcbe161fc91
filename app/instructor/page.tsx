import type { Metadata } from 'next';
import { InstructorHome } from '@/components/workshop/instructor-home.client';
import type { WorkshopChapterChoice } from '@/components/workshop/new-workshop-form.client';
import { readGuideSteps } from '@/lib/content/steps';
import '../workshops.css';

export const metadata: Metadata = {
  title: 'Instructor console',
  description: 'Run a workshop: create it, hand out the join code, and follow every learner’s progress live.',
};

/** The chapters a workshop can include are read at build time: only those with checked steps. */
export default function InstructorPage() {
  const chapters: WorkshopChapterChoice[] = readGuideSteps()
    .filter((chapter) => chapter.steps.length > 0)
    .map((chapter) => ({
      slug: chapter.slug,
      title: chapter.title,
      ...(chapter.chapter !== undefined ? { chapter: chapter.chapter } : {}),
      steps: chapter.steps.length,
    }));
  return (
    <main id="main-content" tabIndex={-1} className="workshop-page">
      <h1>Instructor console</h1>
      <p className="page-lead">Create a workshop, hand out its code, and follow every learner’s progress, step by step, as it happens.</p>
      <InstructorHome chapters={chapters} />
    </main>
  );
}
