import type { Heading } from '@/lib/content/plugins/rehype-collect-headings';

/** "On this page": the chapter's h2 and h3 headings, shown beside the text on wide screens. */
export function Toc({ headings }: { headings: readonly Heading[] }) {
  if (headings.length === 0) return null;
  return (
    <nav className="docs-toc" aria-labelledby="toc-heading">
      <h2 id="toc-heading" className="toc-heading">
        On this page
      </h2>
      <ol className="toc-list">
        {headings.map((heading) => (
          <li key={heading.id} className={heading.depth === 3 ? 'toc-item toc-sub' : 'toc-item'}>
            <a href={`#${heading.id}`}>{heading.text}</a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
