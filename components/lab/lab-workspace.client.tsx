'use client';

import dynamic from 'next/dynamic';

function Placeholder() {
  return (
    <div className="lab-panel" data-variant="full" aria-busy="true">
      <div className="lab-header">
        <div className="lab-header-main">
          <span className="lab-title">Your lab</span>
          <span className="lab-badge" data-phase="starting">
            <span className="lab-badge-dot" aria-hidden="true" />
            Loading…
          </span>
        </div>
      </div>
      <div className="lab-body" />
    </div>
  );
}

const LabPanel = dynamic(() => import('./lab-panel.client'), { ssr: false, loading: Placeholder });

/** /lab: the same panel as the guide's dock, filling the window. */
export function LabWorkspace() {
  return <LabPanel variant="full" />;
}
