import Link from 'next/link';
import { site } from '@/lib/site';
import { guideHref } from '@/lib/content/routes';
import { firstNavItem } from '@/lib/content/nav';
import { SearchDialog } from '@/components/search/search-dialog.client';
import { ThemeToggle } from '@/components/theme/theme-toggle.client';

export function SiteHeader() {
  const first = firstNavItem();
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link href="/" className="site-name">
          <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" className="site-logo">
            <rect x="2" y="10" width="20" height="9" rx="2" fill="currentColor" opacity="0.9" />
            <rect x="5" y="5" width="4" height="4" rx="0.5" fill="currentColor" />
            <rect x="10" y="5" width="4" height="4" rx="0.5" fill="currentColor" />
            <rect x="10" y="0.5" width="4" height="4" rx="0.5" fill="currentColor" opacity="0.7" />
          </svg>
          {site.name}
        </Link>
        <nav aria-label="Main" className="site-nav">
          {first ? <Link href={guideHref(first.slug)}>Guide</Link> : null}
          <Link href="/progress">Progress</Link>
        </nav>
        <div className="site-tools">
          <SearchDialog />
          <ThemeToggle />
        </div>
      </div>
    </header>
  );
}
