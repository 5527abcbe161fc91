'use client';

import {
  useEffect,
  useId,
  useRef,
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
  type ReactNode,
} from 'react';
import Link from 'next/link';
import { TerminalPane } from '@/components/terminal/terminal-pane.client';
import { formatDuration, speakDuration, useNow } from './clock';
import type { LabController } from './lab-controller';
import { derivePhase, idleWarningLeft, MAX_PANES, type LabPhase, type LabState } from './lab-state';
import { useLab, useLabState } from './lab-provider.client';

export type LabPanelVariant = 'dock' | 'full';

const BADGES: Record<LabPhase, string> = {
  idle: 'Not started',
  starting: 'Starting…',
  queued: 'In queue',
  ready: 'Ready',
  reconnecting: 'Reconnecting…',
  ended: 'Ended',
  error: 'Error',
};

/**
 * The lab: a header (state, time left, Extend / Reset / End) over the terminals. Loaded lazily
 * (next/dynamic) by the dock on guide pages and by /lab, so pages that never open the lab do not
 * download it; each terminal then loads xterm itself.
 */
export default function LabPanel({ variant }: { variant: LabPanelVariant }) {
  const lab = useLab();
  const state = useLabState();
  const bodyId = useId();
  const controller = lab.controller;
  if (!controller) return <NotLoaded variant={variant} load={lab.load} />;
  const phase = derivePhase(state);
  const bodyShown = variant === 'full' || state.open;

  return (
    <div className="lab-panel" data-variant={variant} data-phase={phase}>
      {variant === 'dock' && state.open ? <DockResizeHandle controller={controller} size={state.dockSize} /> : null}
      <LabHeader controller={controller} state={state} phase={phase} variant={variant} bodyId={bodyId} />
      {state.actionError ? (
        <p className="lab-alert" role="alert">
          {state.actionError}
        </p>
      ) : null}
      <div className="lab-body" id={bodyId} hidden={!bodyShown}>
        {state.live ? (
          <>
            <LiveBanner controller={controller} state={state} phase={phase} />
            <Panes controller={controller} state={state} shown={bodyShown} />
          </>
        ) : (
          <StatusCard controller={controller} state={state} phase={phase} />
        )}
      </div>
    </div>
  );
}

/** Before the controller has loaded (/lab on a first visit): the start card, same box. */
function NotLoaded({ variant, load }: { variant: LabPanelVariant; load(): Promise<LabController> }) {
  return (
    <div className="lab-panel" data-variant={variant} data-phase="idle">
      <header className="lab-header">
        <div className="lab-header-main">
          <h2 className="lab-title">{variant === 'full' ? 'Your lab' : 'Lab'}</h2>
          <span className="lab-badge" data-phase="idle" role="status" data-testid="lab-state">
            <span className="lab-badge-dot" aria-hidden="true" />
            {BADGES.idle}
          </span>
        </div>
      </header>
      <div className="lab-body">
        <IdleCard onStart={() => void load().then((controller) => controller.start())} />
      </div>
    </div>
  );
}

function LabHeader({
  controller,
  state,
  phase,
  variant,
  bodyId,
}: {
  controller: LabController;
  state: LabState;
  phase: LabPhase;
  variant: LabPanelVariant;
  bodyId: string;
}) {
  const now = useNow();
  const { status, busy } = state;
  const clock = now + state.clockSkew;
  const workspace = phase === 'ready' || phase === 'reconnecting';
  const left = workspace && now > 0 && status?.expiresAt !== undefined ? status.expiresAt - clock : undefined;
  const idleLeft = workspace && now > 0 ? idleWarningLeft(state, clock) : undefined;
  const badge = phase === 'queued' && status?.queuePosition ? `In queue: #${status.queuePosition}` : BADGES[phase];
  // Say it once when the idle warning appears (the countdown itself is not a live region).
  const warned = idleLeft !== undefined;
  useEffect(() => {
    if (warned) controller.announce('No input for a while: the lab stops in a few minutes unless you type something or press “I’m still here”.');
  }, [warned, controller]);

  return (
    <header className="lab-header">
      <div className="lab-header-main">
        <h2 className="lab-title">{variant === 'full' ? 'Your lab' : 'Lab'}</h2>
        <span className="lab-badge" data-phase={phase} role="status" data-testid="lab-state">
          <span className="lab-badge-dot" aria-hidden="true" />
          {badge}
        </span>
        {left !== undefined ? (
          <span className="lab-time" data-low={left < 5 * 60_000 ? '' : undefined} title="Time until the lab is removed">
            <span aria-hidden="true">{formatDuration(left)} left</span>
            <span className="visually-hidden">{speakDuration(left)} left</span>
          </span>
        ) : null}
        {idleLeft !== undefined ? (
          <span className="lab-idle" data-low="" data-testid="lab-idle-warning">
            <span>
              No input for a while: the lab stops in <span aria-hidden="true">{formatDuration(idleLeft)}</span>
              <span className="visually-hidden">{speakDuration(idleLeft)}</span> unless you type something.
            </span>
            <button type="button" className="lab-button" onClick={() => void controller.keepAlive()} disabled={busy !== null}>
              {busy === 'keepalive' ? 'Keeping…' : 'I’m still here'}
            </button>
          </span>
        ) : null}
      </div>
      <div className="lab-header-actions">
        {workspace ? (
          <button
            type="button"
            className="lab-button"
            onClick={() => void controller.extend()}
            disabled={busy !== null || status?.canExtend !== true}
            title={status?.canExtend ? 'Add more time' : 'No more time can be added'}
          >
            {busy === 'extend' ? 'Extending…' : 'Extend'}
          </button>
        ) : null}
        {workspace || phase === 'error' ? (
          <ConfirmButton
            label={busy === 'reset' ? 'Resetting…' : 'Reset'}
            title="Reset the environment?"
            confirmLabel="Reset"
            disabled={busy !== null}
            onConfirm={() => void controller.reset()}
          >
            Everything in your workspace is deleted — files, images, containers — and every terminal starts a new shell.
          </ConfirmButton>
        ) : null}
        {workspace || phase === 'error' || phase === 'queued' || phase === 'starting' ? (
          <ConfirmButton
            label={busy === 'end' ? 'Ending…' : phase === 'queued' ? 'Leave queue' : 'End'}
            title={phase === 'queued' ? 'Leave the queue?' : 'End the lab?'}
            confirmLabel={phase === 'queued' ? 'Leave' : 'End lab'}
            disabled={busy !== null}
            onConfirm={() => void controller.end()}
          >
            {phase === 'queued'
              ? 'You lose your place in the queue.'
              : 'Your workspace and everything in it is removed. You can start a new lab afterwards.'}
          </ConfirmButton>
        ) : null}
        {variant === 'dock' ? (
          <>
            <Link href="/lab" className="lab-button" title="Open the lab in a full window">
              Full window
            </Link>
            <button
              type="button"
              className="lab-button lab-toggle"
              aria-expanded={state.open}
              aria-controls={bodyId}
              onClick={() => controller.setOpen(!state.open)}
            >
              <svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12" data-open={state.open ? '' : undefined}>
                <path d="M3 10l5-5 5 5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
              </svg>
              {state.open ? 'Hide' : 'Show'}
            </button>
          </>
        ) : null}
      </div>
    </header>
  );
}

function ConfirmButton({
  label,
  title,
  confirmLabel,
  disabled,
  onConfirm,
  children,
}: {
  label: string;
  title: string;
  confirmLabel: string;
  disabled: boolean;
  onConfirm(): void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  return (
    <>
      <button
        type="button"
        className="lab-button"
        disabled={disabled}
        onClick={() => {
          if (!dialog.current) return;
          dialog.current.returnValue = '';
          dialog.current.showModal();
        }}
      >
        {label}
      </button>
      {/* The action runs once the dialog has closed (its form submitted), not while it is submitting. */}
      <dialog
        ref={dialog}
        className="lab-dialog"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        onClose={() => {
          if (dialog.current?.returnValue === 'confirm') onConfirm();
        }}
      >
        <form method="dialog">
          <h2 id={titleId}>{title}</h2>
          <p id={bodyId}>{children}</p>
          <div className="lab-dialog-actions">
            <button type="submit" value="cancel" className="lab-button" autoFocus>
              Cancel
            </button>
            <button type="submit" value="confirm" className="lab-button lab-button-danger">
              {confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

function IdleCard({ onStart }: { onStart(): void }) {
  return (
    <div className="lab-card">
      <p>A real Linux shell with the Docker CLI, in a container of your own. Nothing you do there can affect anyone else.</p>
      <button type="button" className="button button-primary" onClick={onStart}>
        Start lab
      </button>
    </div>
  );
}

function StatusCard({ controller, state, phase }: { controller: LabController; state: LabState; phase: LabPhase }) {
  const message = state.status?.message;
  const start = () => void controller.start();
  switch (phase) {
    case 'idle':
      return <IdleCard onStart={start} />;
    case 'starting':
      return (
        <div className="lab-card" role="status">
          <span className="lab-spinner" aria-hidden="true" />
          <p>{state.busy === 'reset' ? 'Resetting your environment…' : 'Starting your lab…'}</p>
        </div>
      );
    case 'queued':
      return (
        <div className="lab-card" role="status">
          <span className="lab-spinner" aria-hidden="true" />
          <p>
            The lab is full right now.{' '}
            {state.status?.queuePosition ? <>You are number {state.status.queuePosition} in the queue. </> : null}
            Your terminal opens by itself as soon as a place is free.
          </p>
        </div>
      );
    case 'reconnecting':
      return (
        <div className="lab-card" role="status">
          <span className="lab-spinner" aria-hidden="true" />
          <p>Cannot reach the lab server. Retrying…</p>
        </div>
      );
    case 'error':
      return (
        <div className="lab-card" role="alert">
          <p className="lab-card-title">The lab could not start</p>
          <p>{message ?? 'Something went wrong on the lab server.'}</p>
          <div className="lab-card-actions">
            <button type="button" className="button button-primary" onClick={start}>
              Try again
            </button>
            <button type="button" className="button" onClick={() => void controller.reset()}>
              Reset environment
            </button>
          </div>
        </div>
      );
    case 'ended':
      return (
        <div className="lab-card">
          <p>{message ?? 'Your lab session has ended.'}</p>
          <button type="button" className="button button-primary" onClick={start}>
            Start a new lab
          </button>
        </div>
      );
    case 'ready':
      return (
        <div className="lab-card" role="status">
          <span className="lab-spinner" aria-hidden="true" />
          <p>Opening your terminal…</p>
        </div>
      );
  }
}

/** Over live panes: why they stopped, and what to do. */
function LiveBanner({ controller, state, phase }: { controller: LabController; state: LabState; phase: LabPhase }) {
  const message = state.status?.message;
  if (phase === 'ended') {
    return (
      <div className="lab-banner" role="alert">
        <span>{message ?? 'Your lab session has ended.'} The terminals below show where you left off.</span>
        <button type="button" className="button button-primary" onClick={() => void controller.start()}>
          Start a new lab
        </button>
      </div>
    );
  }
  if (phase === 'error') {
    return (
      <div className="lab-banner" role="alert">
        <span>{message ?? 'Something went wrong with your workspace.'}</span>
        <button type="button" className="button button-primary" onClick={() => void controller.reset()}>
          Reset environment
        </button>
        <button type="button" className="button" onClick={() => void controller.start()}>
          Try again
        </button>
      </div>
    );
  }
  if (phase === 'reconnecting' && state.offline) {
    return (
      <div className="lab-banner" data-tone="quiet" role="status">
        <span>Cannot reach the lab server. Your shells keep running; reconnecting…</span>
      </div>
    );
  }
  if (phase === 'starting' && state.busy === 'start') {
    return (
      <div className="lab-banner" data-tone="quiet" role="status">
        <span>Starting a new lab…</span>
      </div>
    );
  }
  return null;
}

function Panes({ controller, state, shown }: { controller: LabController; state: LabState; shown: boolean }) {
  const { panes, active, layout, epoch, paneConn, screenReader, gpu } = state;
  const tabs = layout === 'tabs';
  const phase = derivePhase(state);
  const canOpen = (phase === 'ready' || phase === 'reconnecting') && panes.length < MAX_PANES;

  const onTabKey = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const index = panes.indexOf(active);
    let next: string | undefined;
    if (event.key === 'ArrowRight') next = panes[(index + 1) % panes.length];
    else if (event.key === 'ArrowLeft') next = panes[(index - 1 + panes.length) % panes.length];
    else if (event.key === 'Home') next = panes[0];
    else if (event.key === 'End') next = panes[panes.length - 1];
    if (!next) return;
    event.preventDefault();
    controller.setActive(next);
    document.getElementById(`lab-tab-${next}`)?.focus();
  };

  return (
    <>
      <div className="lab-toolbar">
        {tabs && panes.length > 0 ? (
          <div className="lab-tabs" role="tablist" aria-label="Terminals" onKeyDown={onTabKey}>
            {panes.map((id) => (
              <button
                key={id}
                type="button"
                role="tab"
                id={`lab-tab-${id}`}
                className="lab-tab"
                aria-selected={id === active}
                aria-controls={`lab-pane-${id}`}
                tabIndex={id === active ? 0 : -1}
                data-conn={paneConn[id]}
                onClick={() => controller.setActive(id)}
              >
                <span className="lab-tab-dot" aria-hidden="true" />
                Terminal {id}
              </button>
            ))}
          </div>
        ) : (
          <span className="lab-toolbar-spacer" />
        )}
        <button
          type="button"
          className="lab-button"
          onClick={() => controller.openPane()}
          disabled={!canOpen}
          title={panes.length >= MAX_PANES ? `At most ${MAX_PANES} terminals` : 'Open another terminal'}
        >
          <span aria-hidden="true">+ </span>New terminal
        </button>
        <button type="button" className="lab-button" aria-pressed={!tabs} onClick={() => controller.setLayout(tabs ? 'split' : 'tabs')}>
          Side by side
        </button>
        <button
          type="button"
          className="lab-button"
          aria-pressed={screenReader}
          onClick={() => controller.setScreenReader(!screenReader)}
          title="Lets screen readers read new output as it arrives"
        >
          Screen reader mode
        </button>
        <button
          type="button"
          className="lab-button"
          aria-pressed={gpu}
          onClick={() => controller.setGpu(!gpu)}
          title="Draws the terminals with WebGL: smoother with heavy output, if your browser allows it"
        >
          GPU rendering
        </button>
      </div>
      <div className="lab-panes" data-layout={layout} data-count={panes.length}>
        {panes.length === 0 ? (
          <div className="lab-card">
            <p>No terminal is open. Your shells keep running until the lab ends.</p>
            <button type="button" className="button button-primary" onClick={() => controller.openPane()}>
              Open a terminal
            </button>
          </div>
        ) : (
          panes.map((id) => (
            <TerminalPane
              key={`${epoch}:${id}`}
              id={`lab-pane-${id}`}
              paneId={id}
              epoch={epoch}
              controller={controller}
              visible={shown && (!tabs || id === active)}
              screenReader={screenReader}
              gpu={gpu}
              showTitle={!tabs}
              labelledBy={tabs ? `lab-tab-${id}` : undefined}
              onClose={() => controller.closePane(id)}
            />
          ))
        )}
      </div>
    </>
  );
}

const MIN_DOCK = 160;

/** The top edge of the bottom dock: drag (or arrow keys) to change its height. */
function DockResizeHandle({ controller, size }: { controller: LabController; size: number | null }) {
  const dragging = useRef<{ pointerId: number } | undefined>(undefined);
  const max = () => Math.max(MIN_DOCK, window.innerHeight - 120);
  const current = () => size ?? document.getElementById('lab-dock')?.getBoundingClientRect().height ?? 320;
  const apply = (px: number, commit: boolean) => {
    const clamped = Math.round(Math.min(max(), Math.max(MIN_DOCK, px)));
    document.documentElement.style.setProperty('--lab-dock-height', `${clamped}px`);
    if (commit) controller.setDockSize(clamped);
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    dragging.current = { pointerId: event.pointerId };
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (dragging.current?.pointerId !== event.pointerId) return;
    apply(window.innerHeight - event.clientY, false);
  };
  const onPointerUp = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (dragging.current?.pointerId !== event.pointerId) return;
    dragging.current = undefined;
    apply(window.innerHeight - event.clientY, true);
  };
  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 80 : 20;
    if (event.key === 'ArrowUp') apply(current() + step, true);
    else if (event.key === 'ArrowDown') apply(current() - step, true);
    else if (event.key === 'Home') apply(max(), true);
    else if (event.key === 'End') apply(MIN_DOCK, true);
    else return;
    event.preventDefault();
  };

  return (
    <div
      className="lab-resize"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the lab"
      aria-valuemin={MIN_DOCK}
      aria-valuenow={size ?? undefined}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
