import Link from 'next/link';
import { guideNav } from '@/lib/content/nav';
import { guideHref } from '@/lib/content/routes';
import { ChapterTick } from '@/components/progress/chapter-tick.client';

const SIDEBAR_ID = 'docs-sidebar';

/**
 * The guide's sections and chapters, with the current page marked. A server component: on
 * wide screens it is a sticky column; on narrow screens the "Menu" button opens it as a
 * popover (native `popover`, so no JavaScript: Esc and a click outside close it).
 */
export function Sidebar({ current }: { current: string }) {
  return (
    <div className="docs-sidebar-slot">
      <button type="button" className="sidebar-toggle" popoverTarget={SIDEBAR_ID} aria-controls={SIDEBAR_ID}>
        <svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">
          <path d="M2 4h12M2 8h12M2 12h12" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
        Menu
      </button>
      {/* Keyed by page: after a client-side navigation the drawer is a fresh, closed element. */}
      <nav key={current} id={SIDEBAR_ID} className="docs-sidebar" aria-label="Guide chapters" popover="auto">
        {guideNav.map((section) => (
          <section key={section.title} className="sidebar-section">
            <h2 className="sidebar-heading">{section.title}</h2>
            <ol className="sidebar-list">
              {section.items.map((item) => {
                const isCurrent = item.slug === current;
                return (
                  <li key={item.slug}>
                    <Link
                      href={guideHref(item.slug)}
                      className="sidebar-link"
                      aria-current={isCurrent ? 'page' : undefined}
                    >
                      {item.chapter !== undefined ? (
                        <span className="sidebar-chapter" aria-hidden="true">
                          {item.chapter}
                        </span>
                      ) : null}
                      <span>
                        {item.chapter !== undefined ? <span className="visually-hidden">Chapter {item.chapter}: </span> : null}
                        {item.title}
                      </span>
                      <ChapterTick slug={item.slug} />
                    </Link>
                  </li>
                );
              })}
            </ol>
          </section>
        ))}
      </nav>
    </div>
  );
}
