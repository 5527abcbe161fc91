import type { Metadata } from 'next';
import { LabProvider } from '@/components/lab/lab-provider.client';
import { LabWorkspace } from '@/components/lab/lab-workspace.client';

export const metadata: Metadata = {
  title: 'Lab',
  description: 'A full-window playground: your own shell with the Docker CLI, in a container of your own.',
};

/** The full-window lab. A static shell: everything live is loaded in the browser. */
export default function LabPage() {
  return (
    <LabProvider>
      <main id="main-content" tabIndex={-1} className="lab-page">
        <h1 className="visually-hidden">Lab</h1>
        <LabWorkspace />
      </main>
    </LabProvider>
  );
}
