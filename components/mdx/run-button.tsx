'use client';

import { useState } from 'react';
import { useLab, useLabState } from '@/components/lab/lab-provider.client';
import { derivePhase } from '@/components/lab/lab-state';

export interface RunButtonProps {
  command: string;
  term: number;
  interrupt: boolean;
  /** Unique id for the hint the button is described by. */
  hintId: string;
}

type RunState = 'idle' | 'waiting' | 'sent' | 'failed';

/**
 * The Run button of a `run` block: types the command into terminal `term` of the page's lab,
 * starting the lab and opening that terminal first if needed (`interrupt`: Ctrl-C before).
 * Focus stays on the button, so a keyboard user keeps reading; the result is announced politely.
 * The command also stays on `data-command` / `data-term` / `data-interrupt` for tests and tools.
 */
export function RunButton({ command, term, interrupt, hintId }: RunButtonProps) {
  const lab = useLab();
  const state = useLabState();
  const [run, setRun] = useState<{ state: RunState; message?: string }>({ state: 'idle' });
  const phase = derivePhase(state);
  const where = `terminal ${term}`;
  const live = phase === 'ready' || phase === 'reconnecting';

  const hint = !lab.available
    ? 'The lab is not available on this page'
    : run.state === 'failed'
      ? `Could not run: ${run.message}`
      : live
        ? `Types this into ${where}`
        : `Starts the lab and types this into ${where}`;

  const onClick = () => {
    if (!lab.available || run.state === 'waiting') return;
    setRun({ state: 'waiting' });
    lab
      .load()
      .then((controller) => controller.run(command, { term, interrupt }))
      .then(
      () => {
        setRun({ state: 'sent' });
        setTimeout(() => setRun((current) => (current.state === 'sent' ? { state: 'idle' } : current)), 1500);
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        setRun({ state: 'failed', message });
        lab.controller?.announce(`Could not run the command: ${message}`);
      },
    );
  };

  return (
    <>
      <button
        type="button"
        className="code-button run-button"
        aria-disabled={lab.available ? undefined : 'true'}
        aria-busy={run.state === 'waiting' ? 'true' : undefined}
        aria-label={`Run in ${where}${interrupt ? ', stopping what runs there first' : ''}`}
        aria-describedby={hintId}
        data-command={command}
        data-term={term}
        data-interrupt={interrupt ? '' : undefined}
        data-state={run.state}
        onClick={onClick}
      >
        <svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12">
          {run.state === 'sent' ? (
            <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" />
          ) : (
            <path d="M4 2.5v11l9-5.5z" fill="currentColor" />
          )}
        </svg>
        {run.state === 'waiting' ? (live ? 'Sending…' : 'Starting…') : run.state === 'sent' ? 'Sent' : 'Run'}
      </button>
      <span id={hintId} role="tooltip" className="code-tooltip">
        {hint}
      </span>
    </>
  );
}
