import type { ReactNode } from 'react';
import { idSchema } from '@/lib/content/schema';
import { StepCheck } from './step-check.client';

export interface StepProps {
  id: string;
  title: string;
  children: ReactNode;
  /** The chapter's slug, given by the guide page (MDX authors never write it). */
  chapter?: string;
  /** The frontmatter's `checks.<id>.solution`, if any; the command itself never leaves the server. */
  solution?: string;
  /** Whether the chapter declares a check for this step. */
  checked?: boolean;
}

/**
 * `<Step id="run-web" title="Run a web server">…</Step>` in MDX: one hands-on step of a
 * chapter, numbered by CSS. On a guide page its check (frontmatter `checks.<id>`) gets a check
 * bar (`step-check.client.tsx`) and, when the frontmatter has one, a "Show solution" disclosure.
 */
export function Step({ id, title, children, chapter, solution, checked = false }: StepProps) {
  if (!idSchema.safeParse(id).success) {
    throw new Error(`<Step id="${id}">: step ids must be kebab-case, e.g. "run-web"`);
  }
  const headingId = `step-${id}`;
  return (
    <section className="step" data-step-id={id} aria-labelledby={headingId}>
      <h3 id={headingId} className="step-title">
        {title}
      </h3>
      <div className="step-body">{children}</div>
      {chapter && checked ? <StepCheck chapter={chapter} id={id} title={title} /> : null}
      {solution ? (
        <details className="step-solution">
          <summary>Show solution</summary>
          <pre>
            <code>{solution}</code>
          </pre>
        </details>
      ) : null}
    </section>
  );
}
