'use client';

import { useEffect, useRef, useState } from 'react';
import { useLabState } from '@/components/lab/lab-provider.client';
import { derivePhase } from '@/components/lab/lab-state';
import { isPassed, markPassed, useProgress } from '@/components/progress/progress-store';

/** How often a visible step re-runs its check while the lab is ready. */
const POLL_MS = 2_000;

type CheckAnswer = { passed: boolean; hint?: string; timedOut?: boolean } | { error: { code: string; message: string } };

/** One request at a time from this tab: the server runs one check at a time per learner anyway. */
let queue: Promise<unknown> = Promise.resolve();

/** `auto`: a background re-check, which the server may answer from its last run when nothing was typed since. */
function requestCheck(chapter: string, id: string, auto = false): Promise<CheckAnswer> {
  const run = queue.then(async (): Promise<CheckAnswer> => {
    const res = await fetch(`/api/lab/checks/${encodeURIComponent(chapter)}/${encodeURIComponent(id)}${auto ? '?auto=1' : ''}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    try {
      return (await res.json()) as CheckAnswer;
    } catch {
      return { error: { code: 'http', message: `The lab answered ${res.status}.` } };
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

type View =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'failed'; hint?: string; timedOut?: boolean }
  | { kind: 'error'; message: string };

/**
 * The check bar of a `<Step>`: the server runs the step's check (declared in the chapter's
 * frontmatter) in the learner's workspace; this only names it. While the step is on screen and
 * the lab is ready, it re-checks every 2 s without a word; the Check button checks now and shows
 * the hint when the step is not done yet. Results are announced in the bar's live region.
 */
export function StepCheck({ chapter, id, title }: { chapter: string; id: string; title: string }) {
  const bar = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  const [view, setView] = useState<View>({ kind: 'idle' });
  const progress = useProgress();
  const passed = isPassed(progress, chapter, id);
  const phase = derivePhase(useLabState());
  const ready = phase === 'ready';

  // Mark the whole step, so its heading shows the tick too.
  useEffect(() => {
    const section = bar.current?.closest<HTMLElement>('.step');
    if (section) section.dataset.passed = passed ? 'true' : 'false';
  }, [passed]);

  useEffect(() => {
    const section = bar.current?.closest('.step');
    if (!section || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => setVisible(entries.some((entry) => entry.isIntersecting)));
    observer.observe(section);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!visible || !ready || passed) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      // A hidden tab does not check (the timer keeps going, cheaply, until it is shown again).
      if (document.visibilityState === 'hidden') {
        timer = setTimeout(() => void tick(), POLL_MS);
        return;
      }
      const answer = await requestCheck(chapter, id, true).catch(() => undefined);
      if (stopped) return;
      if (answer && 'passed' in answer && answer.passed) {
        markPassed(chapter, id);
        setView({ kind: 'idle' });
        return;
      }
      timer = setTimeout(() => void tick(), POLL_MS);
    };
    timer = setTimeout(() => void tick(), 300);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [visible, ready, passed, chapter, id]);

  const onCheck = async () => {
    if (view.kind === 'checking') return;
    setView({ kind: 'checking' });
    const answer = await requestCheck(chapter, id).catch((error: unknown) => ({
      error: { code: 'network', message: error instanceof Error ? error.message : String(error) },
    }));
    if ('error' in answer) {
      setView({
        kind: 'error',
        message: answer.error.code === 'no_workspace' || answer.error.code === 'no_session' ? 'Start the lab first: the check runs in your workspace.' : answer.error.message,
      });
    } else if (answer.passed) {
      markPassed(chapter, id);
      setView({ kind: 'idle' });
    } else {
      setView({ kind: 'failed', hint: answer.hint, timedOut: answer.timedOut });
    }
  };

  let message = '';
  if (passed) message = 'Done: this step passed its check.';
  else if (view.kind === 'checking') message = 'Checking…';
  else if (view.kind === 'failed') message = `Not yet${view.timedOut ? ' (the check took too long)' : ''}.`;
  else if (view.kind === 'error') message = view.message;

  return (
    <div ref={bar} className="step-check" data-check-state={passed ? 'passed' : view.kind}>
      <button type="button" className="step-check-button" aria-label={`Check: ${title}`} aria-busy={view.kind === 'checking' ? 'true' : undefined} onClick={() => void onCheck()}>
        Check
      </button>
      <div className="step-check-status" role="status" aria-live="polite" aria-atomic="true">
        {passed ? (
          <svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16" className="step-check-tick">
            <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" />
          </svg>
        ) : null}
        {message ? <span>{message}</span> : null}
        {!passed && view.kind === 'failed' && view.hint ? <span className="step-check-hint"> Hint: {view.hint}</span> : null}
      </div>
    </div>
  );
}
