import type { ReactNode } from 'react';

/** Shell of every guide page. The sidebar and on-page TOC slot into this grid later. */
export default function DocsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="docs-layout">
      <main id="main-content" tabIndex={-1} className="docs-main">
        {children}
      </main>
    </div>
  );
}
