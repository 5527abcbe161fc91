'use client';

import { LazyFullPanel } from './lazy-lab-panel.client';

/** /lab: the same panel as the guide's dock, filling the window. */
export function LabWorkspace() {
  return <LazyFullPanel variant="full" />;
}
