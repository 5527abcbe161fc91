import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { WorkshopConsole } from '@/components/workshop/workshop-console.client';
import '../../workshops.css';

export const metadata: Metadata = {
  title: 'Workshop console',
  description: 'A workshop, live: who joined, which steps they passed, who is stuck.',
};

type Props = { params: Promise<{ id: string }> };

/** Rendered per request (the id is the workshop's); everything live is loaded in the browser. */
export default async function WorkshopConsolePage({ params }: Props) {
  const { id } = await params;
  if (!/^[a-f0-9]{16}$/.test(id)) notFound();
  return (
    <main id="main-content" tabIndex={-1} className="workshop-page workshop-page-wide">
      <WorkshopConsole id={id} />
    </main>
  );
}
