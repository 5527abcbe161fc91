'use client';

import dynamic from 'next/dynamic';

type Variant = 'dock' | 'full';

/** What shows while the panel's code loads: the same box, so nothing moves when it arrives. */
function placeholder(variant: Variant, title: string) {
  return function PanelPlaceholder() {
    return (
      <div className="lab-panel" data-variant={variant} aria-busy="true">
        <div className="lab-header">
          <div className="lab-header-main">
            <span className="lab-title">{title}</span>
            <span className="lab-badge" data-phase="starting">
              <span className="lab-badge-dot" aria-hidden="true" />
              Loading…
            </span>
          </div>
        </div>
        <div className="lab-body" />
      </div>
    );
  };
}

/** The lab panel, loaded only when it is first shown (the guide's dock or the /lab page). */
export const LazyDockPanel = dynamic(() => import('./lab-panel.client'), { ssr: false, loading: placeholder('dock', 'Lab') });
export const LazyFullPanel = dynamic(() => import('./lab-panel.client'), { ssr: false, loading: placeholder('full', 'Your lab') });
