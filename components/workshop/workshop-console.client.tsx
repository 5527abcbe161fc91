'use client';

import { useCallback, useEffect, useState } from 'react';
import { CopyButton } from '@/components/mdx/copy-button.client';
import { workshopViewSchema, type LearnerAction, type Workshop, type WorkshopView } from '@/lab-server/protocol/workshop';
import { useConfirm } from './confirm-dialog.client';
import { BroadcastPanel } from './broadcast-panel.client';
import { formatClock, formatTimeLeft } from './format';
import { stuckLearners } from './grid-model';
import { InstructorGate } from './instructor-gate.client';
import { RosterGrid } from './roster-grid.client';
import { ShadowPanel } from './shadow-panel.client';
import { instructorApi, workshopPaths } from './workshop-api';

type Live = 'connecting' | 'live' | 'reconnecting' | 'stopped';
type Notice = { tone: 'ok' | 'error'; text: string } | null;

const ACTION_DONE: Record<LearnerAction, [one: string, many: (n: number) => string]> = {
  extend: ['Extended {name}’s lab by 30 minutes.', (n) => `Extended ${n} ${n === 1 ? 'lab' : 'labs'} by 30 minutes.`],
  reset: ['Reset {name}’s lab: a fresh workspace is starting.', (n) => `Reset ${n} ${n === 1 ? 'lab' : 'labs'}.`],
  remove: ['Removed {name} from the workshop.', (n) => `Removed ${n} ${n === 1 ? 'learner' : 'learners'}.`],
};

/** /instructor/<id>: the live console of one workshop. */
export function WorkshopConsole({ id }: { id: string }) {
  const [title, setTitle] = useState<string | null>(null);
  useEffect(() => {
    if (title) document.title = `${title} · Instructor console`;
  }, [title]);
  return (
    <>
      <h1>{title ?? 'Workshop console'}</h1>
      <InstructorGate>{(_signOut, lostSession) => <ConsoleBody id={id} onTitle={setTitle} onUnauthorized={lostSession} />}</InstructorGate>
    </>
  );
}

/** The workshop view: one GET (which says 401/404 plainly), then the event stream keeps it current. */
function useWorkshopView(id: string, onUnauthorized: () => void) {
  const [view, setView] = useState<WorkshopView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [live, setLive] = useState<Live>('connecting');
  // Server clock minus ours, so "stuck for" and "time left" do not depend on this laptop's clock.
  const [skew, setSkew] = useState(0);

  const apply = useCallback((next: WorkshopView) => {
    setView(next);
    setSkew(next.generatedAt - Date.now());
  }, []);

  useEffect(() => {
    let source: EventSource | undefined;
    let cancelled = false;
    void instructorApi.view(id).then((result) => {
      if (cancelled) return;
      if (!result.ok) {
        if (result.status === 401) onUnauthorized();
        else setProblem(result.status === 404 ? 'There is no workshop with this address. Pick one from the instructor console.' : result.message);
        return;
      }
      apply(result.data);
      source = new EventSource(workshopPaths.events(id));
      source.onopen = () => setLive('live');
      source.onerror = () => setLive(source?.readyState === EventSource.CLOSED ? 'stopped' : 'reconnecting');
      source.addEventListener('view', (event) => {
        let body: unknown;
        try {
          body = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return;
        }
        const parsed = workshopViewSchema.safeParse(body);
        if (parsed.success) apply(parsed.data);
      });
    });
    return () => {
      cancelled = true;
      source?.close();
    };
  }, [id, apply, onUnauthorized]);

  const setWorkshop = useCallback((workshop: Workshop) => setView((current) => (current ? { ...current, workshop } : current)), []);
  return { view, problem, live, skew, setWorkshop };
}

function ConsoleBody({ id, onTitle, onUnauthorized }: { id: string; onTitle(title: string): void; onUnauthorized(): void }) {
  const { view, problem, live, skew, setWorkshop } = useWorkshopView(id, onUnauthorized);
  const [now, setNow] = useState(() => Date.now());
  const [watching, setWatching] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDialog, ask] = useConfirm();

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const title = view?.workshop.title;
  useEffect(() => {
    if (title) onTitle(title);
  }, [title, onTitle]);

  if (problem) {
    return (
      <p className="workshop-error" role="alert">
        {problem}
      </p>
    );
  }
  if (!view) return <p className="workshop-muted">Loading the workshop…</p>;

  const { workshop, steps, learners, broadcasts } = view;
  const serverNow = now + skew;
  const ended = workshop.state === 'ended';
  const left = formatTimeLeft(workshop.endsAt, serverNow);
  const joinUrl = workshop.joinUrl.startsWith('/') ? `${window.location.origin}${workshop.joinUrl}` : workshop.joinUrl;
  const watchedRow = watching ? learners.find((row) => row.seat === watching) : undefined;
  const stuck = stuckLearners(learners, serverNow);

  const learnerAction = async (seat: string, name: string, action: LearnerAction) => {
    const everyone = seat === 'all';
    if (action === 'reset' || action === 'remove') {
      const who = everyone ? 'every learner' : name;
      const ok = await ask(
        action === 'reset'
          ? {
              title: everyone ? 'Reset every learner’s lab?' : `Reset ${name}’s lab?`,
              body: `A fresh workspace replaces ${everyone ? 'each' : 'their'} current one: files and containers made there are lost. Progress is kept.`,
              confirmLabel: everyone ? 'Reset all' : 'Reset',
            }
          : {
              title: everyone ? 'Remove every learner?' : `Remove ${name}?`,
              body: `The lab of ${who} stops and they leave the workshop; they cannot join it again with the code. Progress is kept.`,
              confirmLabel: everyone ? 'Remove all' : 'Remove',
            },
      );
      if (!ok) return;
    }
    setBusy(true);
    const result = await instructorApi.learner(id, seat, action);
    setBusy(false);
    if (!result.ok) {
      if (result.status === 401) onUnauthorized();
      else setNotice({ tone: 'error', text: result.message });
      return;
    }
    const [one, many] = ACTION_DONE[action];
    setNotice({ tone: 'ok', text: everyone ? many(result.data.affected) : one.replace('{name}', name) });
    if (action === 'remove' && (everyone || seat === watching)) setWatching(null);
  };

  const extendWorkshop = async () => {
    setBusy(true);
    const result = await instructorApi.extend(id);
    setBusy(false);
    if (result.ok) {
      setWorkshop(result.data);
      setNotice({ tone: 'ok', text: `The workshop now ends at ${formatClock(result.data.endsAt)}.` });
    } else if (result.status === 401) onUnauthorized();
    else setNotice({ tone: 'error', text: result.message });
  };

  const endWorkshop = async () => {
    const ok = await ask({
      title: 'End the workshop?',
      body: 'Every learner’s lab is removed now and nobody can join any more. Progress is kept, and you can still export it.',
      confirmLabel: 'End workshop',
    });
    if (!ok) return;
    setBusy(true);
    const result = await instructorApi.end(id);
    setBusy(false);
    if (result.ok) {
      setWorkshop(result.data);
      setWatching(null);
      setNotice({ tone: 'ok', text: 'The workshop has ended; every lab is being removed.' });
    } else if (result.status === 401) onUnauthorized();
    else setNotice({ tone: 'error', text: result.message });
  };

  return (
    <div className="console" data-testid="workshop-console" data-state={workshop.state}>
      <div className="console-header">
        <p className="console-meta">
          <span className="console-state" data-state={workshop.state}>
            {ended ? 'Ended' : 'Active'}
          </span>
          {ended ? (
            <span>ended at {formatClock(workshop.endedAt ?? workshop.endsAt)}</span>
          ) : (
            <span data-testid="console-time-left">
              ends at {formatClock(workshop.endsAt)} · {left ? `${left} left` : 'time is up'}
            </span>
          )}
          <span>
            {workshop.seatsTaken} of {workshop.seats} seats taken
          </span>
          {!ended && workshop.warmWorkspaces > 0 ? (
            <span title="Started ahead: a learner who joins gets one at once">{workshop.warmWorkspaces} workspaces ready for joiners</span>
          ) : null}
          <span className="console-live" data-live={live}>
            <span className="roster-dot" data-connected={live === 'live' ? '' : undefined} aria-hidden="true" />
            {live === 'live' ? 'live' : live === 'stopped' ? 'updates stopped: reload the page' : live === 'reconnecting' ? 'reconnecting…' : 'connecting…'}
          </span>
        </p>
        <div className="console-actions">
          <button type="button" className="lab-button" onClick={() => void extendWorkshop()} disabled={ended || busy}>
            +30 min
          </button>
          <button type="button" className="lab-button workshop-danger" onClick={() => void endWorkshop()} disabled={ended || busy}>
            End workshop…
          </button>
          <a className="lab-button" href={workshopPaths.csv(id)} download>
            Export CSV
          </a>
        </div>
      </div>

      <p className="console-notice" role="status" data-tone={notice?.tone} data-testid="console-notice">
        {notice?.text}
      </p>

      {ended ? null : (
        <section className="console-join" aria-labelledby="join-title">
          <h2 id="join-title" className="visually-hidden">
            How learners join
          </h2>
          <div>
            <p className="console-join-label">Join code</p>
            <p className="console-join-code" data-testid="join-code">
              {workshop.code}
            </p>
          </div>
          <div className="console-join-link">
            <p className="console-join-label">Join link</p>
            <p>
              <a href={joinUrl} data-testid="join-link">
                {joinUrl}
              </a>
            </p>
            <CopyButton text={joinUrl} />
          </div>
          {/* A plain <img>: an SVG the lab server draws; nothing for next/image to optimise. */}
          <img className="console-qr" src={workshopPaths.qr(id)} alt={`QR code of the join link ${joinUrl}`} width={168} height={168} />
        </section>
      )}

      <section className="workshop-section" aria-labelledby="learners-title">
        <div className="console-section-head">
          <h2 id="learners-title">Learners ({learners.length})</h2>
          <div className="console-bulk" role="group" aria-label="Every learner">
            <button type="button" className="lab-button" disabled={ended || busy || learners.length === 0} onClick={() => void learnerAction('all', '', 'extend')}>
              Extend all
            </button>
            <button type="button" className="lab-button" disabled={ended || busy || learners.length === 0} onClick={() => void learnerAction('all', '', 'reset')}>
              Reset all…
            </button>
            <button
              type="button"
              className="lab-button workshop-danger"
              disabled={ended || busy || learners.length === 0}
              onClick={() => void learnerAction('all', '', 'remove')}
            >
              Remove all…
            </button>
          </div>
        </div>
        {stuck.length > 0 ? (
          <p className="console-stuck" data-testid="stuck-summary">
            <strong>Stuck:</strong> {stuck.map((entry) => `${entry.name} (${entry.minutes} min)`).join(', ')}
          </p>
        ) : null}
        {learners.length === 0 ? (
          <p className="workshop-muted">Nobody has joined yet. Hand out the code or the link above.</p>
        ) : (
          <RosterGrid
            steps={steps}
            learners={learners}
            now={serverNow}
            ended={ended}
            watching={watching}
            onWatch={(seat) => setWatching((current) => (current === seat ? null : seat))}
            onAction={(seat, name, action) => void learnerAction(seat, name, action)}
          />
        )}
      </section>

      {watchedRow && !ended ? <ShadowPanel workshopId={id} row={watchedRow} onClose={() => setWatching(null)} /> : null}

      <BroadcastPanel workshopId={id} broadcasts={broadcasts} disabled={ended} onUnauthorized={onUnauthorized} />
      {confirmDialog}
    </div>
  );
}
