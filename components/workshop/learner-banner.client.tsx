'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { useLab, useLabController } from '@/components/lab/lab-provider.client';
import { CopyButton } from '@/components/mdx/copy-button.client';
import { guideHref } from '@/lib/content/routes';
import type { Broadcast } from '@/lab-server/protocol/workshop';
import { clockSkewFrom, formatClock, formatTimeLeft } from './format';
import { parseLearnerWorkshop, readDismissed, shownBroadcasts, writeDismissed, type LearnerWorkshopInfo } from './learner-workshop';

export interface LearnerBannerProps {
  /** The body of the GET that found the workshop (parsed here, so the slot stays tiny). */
  initialBody: unknown;
  dateHeader: string | null;
  receivedAt: number;
}

const EVENTS_URL = '/api/lab/workshop/events';

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The learner's workshop (pushed by the server) and the clock, ticking once a second. */
function useLearnerWorkshop(initial: LearnerWorkshopInfo | null, skew: number) {
  const [workshop, setWorkshop] = useState(initial);
  const [now, setNow] = useState(() => Date.now() + skew);
  const over = !workshop || workshop.state === 'ended' || workshop.removed;

  useEffect(() => {
    if (over) return;
    // EventSource reconnects by itself after a blip; the server sends the whole state at once.
    const source = new EventSource(EVENTS_URL);
    source.addEventListener('workshop', (event) => {
      let body: unknown;
      try {
        body = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      const next = parseLearnerWorkshop(body);
      if (next) setWorkshop(next);
    });
    return () => source.close();
  }, [over]);

  useEffect(() => {
    if (over) return;
    const timer = setInterval(() => setNow(Date.now() + skew), 1000);
    return () => clearInterval(timer);
  }, [over, skew]);

  return { workshop, now };
}

/**
 * The workshop bar of guide pages: title, time left, the workshop's chapters, the instructor's
 * messages (each dismissible, a command with Copy and Run in terminal), and a clear notice when
 * the workshop ends or the learner is removed. Loaded only for learners in a workshop.
 */
export function LearnerBanner({ initialBody, dateHeader, receivedAt }: LearnerBannerProps) {
  const skew = useMemo(() => clockSkewFrom(dateHeader, receivedAt), [dateHeader, receivedAt]);
  const initial = useMemo(() => parseLearnerWorkshop(initialBody), [initialBody]);
  const { workshop, now } = useLearnerWorkshop(initial, skew);
  const pathname = usePathname();
  const controller = useLabController();
  const workshopId = workshop?.id;
  const [dismissed, setDismissed] = useState<Set<number>>(() => (initial ? readDismissed(sessionStorageOrUndefined(), initial.id) : new Set()));
  const ended = workshop?.state === 'ended';
  const removed = workshop?.removed === true;

  // The server stops the learner's workspace when the workshop ends or they are removed: let
  // the lab dock say so now rather than at its next poll.
  useEffect(() => {
    if (ended || removed) void controller?.refresh();
  }, [ended, removed, controller]);

  if (!workshop || !workshopId) return null;

  const dismiss = (id: number) => {
    const next = new Set(dismissed).add(id);
    setDismissed(next);
    writeDismissed(sessionStorageOrUndefined(), workshopId, next);
  };

  const left = formatTimeLeft(workshop.endsAt, now);
  const messages = removed ? [] : shownBroadcasts(workshop.broadcasts, dismissed);

  return (
    <section className="workshop-bar" aria-label="Workshop" data-testid="workshop-bar" data-state={removed ? 'removed' : workshop.state}>
      <div className="workshop-bar-row">
        <p className="workshop-bar-title">
          <span className="workshop-bar-kicker">Workshop</span> {workshop.title}
        </p>
        {!ended && !removed ? (
          <p className="workshop-bar-time" data-testid="workshop-time-left">
            {left ? `${left} left` : 'Time is up'}
          </p>
        ) : null}
        {workshop.chapters.length > 0 && !removed ? (
          <nav className="workshop-bar-chapters" aria-label="Workshop chapters">
            <ol>
              {workshop.chapters.map((chapter) => {
                const href = guideHref(chapter.slug);
                return (
                  <li key={chapter.slug}>
                    <Link href={href} aria-current={pathname === href ? 'page' : undefined}>
                      {chapter.title}
                    </Link>
                  </li>
                );
              })}
            </ol>
          </nav>
        ) : null}
      </div>
      {/* Announced as they arrive; each stays until dismissed. */}
      <div className="workshop-messages" aria-live="polite" aria-relevant="additions" data-testid="workshop-messages">
        {messages.map((broadcast) => (
          <BroadcastMessage key={broadcast.id} broadcast={broadcast} canRun={!ended} onDismiss={() => dismiss(broadcast.id)} />
        ))}
      </div>
      {ended || removed ? (
        <p className="workshop-notice" role="status" data-testid="workshop-notice">
          {removed
            ? 'Your instructor removed you from this workshop, so your lab has stopped. You can keep reading the guide.'
            : 'This workshop has ended and your lab has stopped. Your progress is kept; the guide stays here to read.'}
        </p>
      ) : null}
    </section>
  );
}

function BroadcastMessage({ broadcast, canRun, onDismiss }: { broadcast: Broadcast; canRun: boolean; onDismiss(): void }) {
  return (
    // No role here: the list around it is the live region (nested regions read messages twice).
    <div className="workshop-message" data-testid="workshop-broadcast" data-broadcast-id={broadcast.id}>
      <div className="workshop-message-text">
        <p>
          <span className="visually-hidden">Message from your instructor: </span>
          {broadcast.message}
        </p>
        <p className="workshop-message-time">
          <time dateTime={new Date(broadcast.sentAt).toISOString()}>{formatClock(broadcast.sentAt)}</time>
        </p>
      </div>
      {broadcast.command ? (
        <div className="workshop-command">
          <code>{broadcast.command}</code>
          <span className="workshop-command-actions">
            <CopyButton text={broadcast.command} />
            {canRun ? <RunInTerminal command={broadcast.command} /> : null}
          </span>
        </div>
      ) : null}
      <button type="button" className="workshop-dismiss" aria-label={`Dismiss the message “${broadcast.message.slice(0, 60)}”`} onClick={onDismiss}>
        <svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
          <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
      </button>
    </div>
  );
}

type RunState = 'idle' | 'waiting' | 'sent' | 'failed';

/** Types the command into terminal 1 through the page's lab, as a Run button of the guide does. */
function RunInTerminal({ command }: { command: string }) {
  const lab = useLab();
  const [state, setState] = useState<RunState>('idle');
  if (!lab.available) return null;
  const run = () => {
    if (state === 'waiting') return;
    setState('waiting');
    lab
      .load()
      .then((controller) => controller.run(command, { term: 1 }))
      .then(
        () => {
          setState('sent');
          setTimeout(() => setState((current) => (current === 'sent' ? 'idle' : current)), 1500);
        },
        (error: unknown) => {
          setState('failed');
          lab.controller?.announce(`Could not run the command: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
  };
  return (
    <button type="button" className="code-button run-button" data-state={state} aria-busy={state === 'waiting' ? 'true' : undefined} onClick={run}>
      <svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12">
        <path d="M4 2.5v11l9-5.5z" fill="currentColor" />
      </svg>
      {state === 'waiting' ? 'Sending…' : state === 'sent' ? 'Sent' : state === 'failed' ? 'Could not run' : 'Run in terminal'}
    </button>
  );
}
