'use client';

import { useEffect } from 'react';
import { derivePhase } from './lab-state';
import { LazyDockPanel } from './lazy-lab-panel.client';
import { useLabState } from './lab-provider.client';

/**
 * The lab dock of guide pages: fixed to the bottom of the window (to the right on wide screens),
 * present once the learner starts the lab. While it is open the page reserves its height at the
 * bottom (`data-lab-dock` on <html>, see globals.css), so no content hides behind it and nothing
 * jumps when the terminals load.
 */
export function LabDock() {
  const state = useLabState();
  const phase = derivePhase(state);
  const shown = state.started || state.open || (phase !== 'idle' && phase !== 'ended') || (phase === 'ended' && state.live);
  const placement = shown ? (state.open ? 'open' : 'collapsed') : undefined;

  useEffect(() => {
    const root = document.documentElement;
    if (placement) root.dataset.labDock = placement;
    else delete root.dataset.labDock;
    return () => {
      delete root.dataset.labDock;
    };
  }, [placement]);

  useEffect(() => {
    const root = document.documentElement;
    if (state.dockSize) root.style.setProperty('--lab-dock-height', `${state.dockSize}px`);
    else root.style.removeProperty('--lab-dock-height');
    return () => {
      root.style.removeProperty('--lab-dock-height');
    };
  }, [state.dockSize]);

  if (!shown) return null;
  return (
    <section id="lab-dock" className="lab-dock" data-open={state.open ? '' : undefined} aria-label="Lab terminal">
      <LazyDockPanel variant="dock" />
    </section>
  );
}
