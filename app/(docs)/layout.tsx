import type { ReactNode } from 'react';
import { LabDock } from '@/components/lab/lab-dock.client';
import { LabProvider } from '@/components/lab/lab-provider.client';
import { WorkshopBannerSlot } from '@/components/workshop/workshop-banner-slot.client';

/**
 * Shell of every guide page: a grid whose columns (sidebar, main, on-page TOC) each page fills,
 * since only the page knows which chapter is current.
 * The lab provider wraps the page so Run buttons anywhere in a chapter reach the learner's lab;
 * the dock (terminals) appears once the lab is started and loads its code only then.
 * The workshop bar sits above the columns, for learners in a workshop (loaded only for them).
 */
export default function DocsLayout({ children }: { children: ReactNode }) {
  return (
    <LabProvider>
      <WorkshopBannerSlot />
      <div className="docs-layout">
        {children}
      </div>
      <LabDock />
    </LabProvider>
  );
}
