import type { Metadata } from 'next';
import Link from 'next/link';
import { guideHref } from '@/lib/content/routes';
import { firstNavItem } from '@/lib/content/nav';

export const metadata: Metadata = { title: 'Page not found' };

export default function NotFound() {
  const first = firstNavItem();
  return (
    <main id="main-content" tabIndex={-1} className="not-found">
      <p className="page-eyebrow">404</p>
      <h1>Page not found</h1>
      <p>
        There is no page at this address. It may have moved, or the link may have a typo — a bit like{' '}
        <code>docker run</code> with an image name that does not exist.
      </p>
      <p className="not-found-links">
        <Link href="/">Go to the home page</Link>
        {first ? <Link href={guideHref(first.slug)}>Open the guide</Link> : null}
      </p>
    </main>
  );
}
