import type { ReactNode } from 'react';
import { idSchema } from '@/lib/content/schema';

/**
 * `<Step id="run-web" title="Run a web server">…</Step>` in MDX: one hands-on step of a
 * chapter. Numbered by CSS. The step's check (declared in frontmatter under `checks.<id>`)
 * and progress tick arrive with the checks issue; for now this renders a titled section.
 */
export function Step({ id, title, children }: { id: string; title: string; children: ReactNode }) {
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
    </section>
  );
}
