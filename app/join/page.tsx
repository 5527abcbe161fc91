import type { Metadata } from 'next';
import { JoinPageBody } from '@/components/workshop/join-page';
import '../workshops.css';

export const metadata: Metadata = {
  title: 'Join a workshop',
  description: 'Join your instructor’s workshop with its code: your own lab starts, and the instructor sees your progress.',
};

export default function JoinPage() {
  return <JoinPageBody />;
}
