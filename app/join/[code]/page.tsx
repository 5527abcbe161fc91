import type { Metadata } from 'next';
import { JoinPageBody } from '@/components/workshop/join-page';
import '../../workshops.css';

export const metadata: Metadata = {
  title: 'Join a workshop',
  description: 'Join your instructor’s workshop: your own lab starts, and the instructor sees your progress.',
};

type Props = { params: Promise<{ code: string }> };

/** The link an instructor hands out (and the QR code encodes): the code is filled in. */
export default async function JoinWithCodePage({ params }: Props) {
  const { code } = await params;
  let typed = code;
  try {
    typed = decodeURIComponent(code);
  } catch {
    // a malformed escape: show it as it came; the form says the code is wrong
  }
  return <JoinPageBody code={typed.slice(0, 12)} />;
}
