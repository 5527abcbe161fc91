import Link from 'next/link';
import { guideHref } from '@/lib/content/routes';
import { getPager } from '@/lib/content/nav';

/** Previous / next chapter links, in the reading order of `lib/content/nav.ts`. */
export function Pager({ slug }: { slug: string }) {
  const { prev, next } = getPager(slug);
  if (!prev && !next) return null;
  return (
    <nav className="pager" aria-label="Chapters">
      {prev ? (
        <Link href={guideHref(prev.slug)} className="pager-link" rel="prev">
          <span className="pager-dir">Previous</span>
          <span className="pager-title">{prev.title}</span>
        </Link>
      ) : (
        <span />
      )}
      {next ? (
        <Link href={guideHref(next.slug)} className="pager-link pager-next" rel="next">
          <span className="pager-dir">Next</span>
          <span className="pager-title">{next.title}</span>
        </Link>
      ) : null}
    </nav>
  );
}
