'use client';

import { useState } from 'react';
import { derivePhase } from './lab-state';
import { useLab, useLabState } from './lab-provider.client';

const ICON = (
  <svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
    <path d="M2.5 3.5h11v9h-11z M4.5 6l2 2-2 2 M8 10h3" fill="none" stroke="currentColor" strokeWidth="1.4" />
  </svg>
);

/** "Start lab" near the top of a chapter; once the lab runs, it shows or hides the dock. */
export function StartLabButton() {
  const lab = useLab();
  const state = useLabState();
  const [loading, setLoading] = useState(false);
  if (!lab.available) return null;
  const phase = derivePhase(state);
  const running = state.started && phase !== 'idle' && phase !== 'ended';

  if (!running || !lab.controller) {
    const start = () => {
      setLoading(true);
      lab
        .load()
        .then((controller) => controller.start())
        .finally(() => setLoading(false));
    };
    return (
      <button type="button" className="button button-primary start-lab-button" onClick={start} aria-busy={loading ? 'true' : undefined}>
        {ICON}
        {loading ? 'Starting…' : phase === 'ended' ? 'Start a new lab' : 'Start lab'}
      </button>
    );
  }
  const controller = lab.controller;
  return (
    <button
      type="button"
      className="button start-lab-button"
      aria-expanded={state.open}
      aria-controls="lab-dock"
      onClick={() => controller.setOpen(!state.open)}
    >
      {ICON}
      {state.open ? 'Hide the lab' : 'Show the lab'}
    </button>
  );
}
