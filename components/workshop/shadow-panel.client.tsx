'use client';

import { useId, useState } from 'react';
import { TerminalPane } from '@/components/terminal/terminal-pane.client';
import { shadowUrl } from '@/components/terminal/lab-socket';
import type { RosterRow } from '@/lab-server/protocol/workshop';

/**
 * A learner's terminal, live and read-only, through the same pane and socket client the
 * learner's own page uses (viewer mode: nothing typed here reaches their shell). One pane at a
 * time; the learner's open panes are offered as a choice.
 */
export function ShadowPanel({ workshopId, row, onClose }: { workshopId: string; row: RosterRow; onClose(): void }) {
  const [chosen, setChosen] = useState(row.panes[0] ?? '1');
  const titleId = useId();
  // The pane closed on the learner's side: keep showing it (it says so) until another is picked.
  const panes = row.panes.includes(chosen) ? row.panes : [...row.panes, chosen].sort();
  const url = shadowUrl(window.location, workshopId, row.seat);
  return (
    <section className="workshop-section console-shadow" aria-labelledby={titleId} data-testid="shadow-panel">
      <div className="console-section-head">
        <h2 id={titleId}>Watching {row.name}</h2>
        {panes.length > 1 ? (
          <div className="console-pane-choice" role="group" aria-label="Terminal to watch">
            {panes.map((pane) => (
              <button key={pane} type="button" className="lab-button" aria-pressed={pane === chosen} onClick={() => setChosen(pane)}>
                Terminal {pane}
              </button>
            ))}
          </div>
        ) : null}
        <button type="button" className="lab-button" onClick={onClose}>
          Stop watching
        </button>
      </div>
      <div className="console-shadow-term">
        <TerminalPane
          key={`${row.seat}-${chosen}`}
          paneId={chosen}
          epoch={0}
          shadow={{ url, label: `${row.name}’s terminal ${chosen}` }}
          visible
          screenReader={false}
          showTitle
          onClose={onClose}
        />
      </div>
    </section>
  );
}
