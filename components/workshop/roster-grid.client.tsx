'use client';

import type { LearnerAction, RosterRow, WorkshopStep } from '@/lab-server/protocol/workshop';
import { formatClock, formatElapsed, formatTimeLeft } from './format';
import { cellFor, groupSteps, passedCount, passedPerStep, sessionLabel, stepKey, type Cell } from './grid-model';

export interface RosterGridProps {
  steps: WorkshopStep[];
  learners: RosterRow[];
  /** The server's clock now (for stuck and time left). */
  now: number;
  /** The workshop has ended: no more row actions. */
  ended: boolean;
  watching: string | null;
  onAction(seat: string, name: string, action: LearnerAction): void;
  onWatch(seat: string): void;
}

function CellContent({ cell }: { cell: Cell }) {
  switch (cell.kind) {
    case 'passed':
      return (
        <>
          <span className="roster-mark" aria-hidden="true">
            ✓
          </span>{' '}
          <span className="visually-hidden">Passed at </span>
          <time dateTime={new Date(cell.at).toISOString()}>{formatClock(cell.at)}</time>
        </>
      );
    case 'current':
      return (
        <>
          <span className="roster-current">working on it</span>
          {cell.stuckMinutes !== null ? <strong className="roster-stuck">stuck for {cell.stuckMinutes} min</strong> : null}
        </>
      );
    case 'todo':
      return (
        <>
          <span aria-hidden="true">·</span>
          <span className="visually-hidden">not yet</span>
        </>
      );
  }
}

function LabState({ row, now }: { row: RosterRow; now: number }) {
  const left = row.expiresAt !== null ? formatTimeLeft(row.expiresAt, now) : null;
  return (
    <>
      <span className="roster-session" data-session={row.session}>
        <span className="roster-dot" data-connected={row.connected ? '' : undefined} aria-hidden="true" />
        {sessionLabel(row.session)}
        <span className="visually-hidden">{row.connected ? ', terminal connected' : ', no terminal connected'}</span>
      </span>
      <span className="roster-facts">
        {row.idleMs !== null ? <span>idle {formatElapsed(row.idleMs)}</span> : null}
        {left ? <span>{left} left</span> : null}
        {row.cpuPercent !== null ? <span>CPU {Math.round(row.cpuPercent)} %</span> : null}
        {row.memoryMb !== null ? <span>{Math.round(row.memoryMb)} MiB</span> : null}
      </span>
    </>
  );
}

/**
 * The roster × steps grid: a real table (row headers are learners, column headers are steps
 * grouped under their chapter), so a screen reader says "Ada, Run two web servers, passed at
 * 10:42" when moving through it. Scrolls sideways inside its own region on narrow screens.
 */
export function RosterGrid({ steps, learners, now, ended, watching, onAction, onWatch }: RosterGridProps) {
  const groups = groupSteps(steps);
  const perStep = passedPerStep(learners, steps);
  return (
    <div className="roster-scroll" role="region" aria-labelledby="roster-caption" tabIndex={0}>
      <table className="roster-grid" data-testid="roster-grid">
        <caption id="roster-caption">Learners and their steps</caption>
        <colgroup span={2} />
        {groups.map((group) => (
          <colgroup key={group.chapter} span={group.steps.length} className="roster-chapter-cols" />
        ))}
        <colgroup span={1} />
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>
              Learner
            </th>
            <th scope="col" rowSpan={2}>
              Lab
            </th>
            {groups.map((group) => (
              <th key={group.chapter} scope="colgroup" colSpan={group.steps.length} className="roster-chapter">
                {group.chapterTitle}
              </th>
            ))}
            <th scope="col" rowSpan={2}>
              Actions
            </th>
          </tr>
          <tr>
            {steps.map((step) => (
              <th key={stepKey(step.chapter, step.id)} scope="col" className="roster-step" data-step={stepKey(step.chapter, step.id)}>
                {step.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {learners.map((row) => (
            <tr key={row.seat} data-seat={row.seat} data-learner={row.name} data-watching={watching === row.seat ? '' : undefined}>
              <th scope="row" className="roster-name">
                {row.name}
                <span className="roster-count">
                  {passedCount(row, steps)} of {steps.length}
                </span>
              </th>
              <td className="roster-lab">
                <LabState row={row} now={now} />
              </td>
              {steps.map((step) => {
                const cell = cellFor(row, step, now);
                return (
                  <td
                    key={stepKey(step.chapter, step.id)}
                    className="roster-cell"
                    data-step={stepKey(step.chapter, step.id)}
                    data-cell={cell.kind}
                    data-stuck={cell.kind === 'current' && cell.stuckMinutes !== null ? '' : undefined}
                  >
                    <CellContent cell={cell} />
                  </td>
                );
              })}
              <td className="roster-actions">
                <button
                  type="button"
                  className="lab-button"
                  disabled={row.panes.length === 0 || ended}
                  aria-pressed={watching === row.seat}
                  title={row.panes.length === 0 ? 'No terminal open' : undefined}
                  aria-label={`Watch ${row.name}’s terminal`}
                  onClick={() => onWatch(row.seat)}
                >
                  Watch
                </button>
                <button type="button" className="lab-button" disabled={ended} aria-label={`Extend ${row.name}’s lab by 30 minutes`} onClick={() => onAction(row.seat, row.name, 'extend')}>
                  Extend
                </button>
                <button type="button" className="lab-button" disabled={ended} aria-label={`Reset ${row.name}’s lab`} onClick={() => onAction(row.seat, row.name, 'reset')}>
                  Reset…
                </button>
                <button
                  type="button"
                  className="lab-button workshop-danger"
                  disabled={ended}
                  aria-label={`Remove ${row.name} from the workshop`}
                  onClick={() => onAction(row.seat, row.name, 'remove')}
                >
                  Remove…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Passed</th>
            <td />
            {steps.map((step, index) => (
              <td key={stepKey(step.chapter, step.id)} className="roster-total">
                {perStep[index]} of {learners.length}
              </td>
            ))}
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
