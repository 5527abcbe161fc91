import Link from 'next/link';
import { findNavLocation, firstNavItem } from '@/lib/content/nav';
import { guideHref } from '@/lib/content/routes';

/** Guide › Section › Chapter, above the page title. */
export function Breadcrumbs({ slug, title }: { slug: string; title: string }) {
  const location = findNavLocation(slug);
  const first = firstNavItem();
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs" data-pagefind-ignore="">
      <ol>
        <li>{first ? <Link href={guideHref(first.slug)}>Guide</Link> : 'Guide'}</li>
        {location ? <li>{location.section.title}</li> : null}
        <li>
          <span aria-current="page">{location?.item.title ?? title}</span>
        </li>
      </ol>
    </nav>
  );
}
