/**
 * The lab's state shape and the pure bits every guide page needs at first load (Run and Start
 * buttons, the dock). The controller that changes it (lab-controller.ts) loads on first use.
 */
import type { SessionStatus } from '@/lab-server/protocol/session';
import type { ConnectionState } from '@/components/terminal/lab-socket';

export type LabPhase = 'idle' | 'starting' | 'queued' | 'ready' | 'reconnecting' | 'ended' | 'error';
export type PaneLayout = 'tabs' | 'split';
export type LabAction = 'start' | 'extend' | 'reset' | 'end' | 'keepalive';
export type PaneConnKind = ConnectionState['kind'];

export const MAX_PANES = 4;
export const PANE_IDS = ['1', '2', '3', '4'] as const;
/** sessionStorage key of what this tab had open. */
export const STORAGE_KEY = 'lab.v1';

export interface LabState {
  /** The learner asked for the lab in this tab (persisted: a reload re-opens it). */
  started: boolean;
  /** The last status the server sent (or a local error standing in for one). */
  status: SessionStatus | null;
  /** The last status request failed for lack of network. */
  offline: boolean;
  /** An action in flight. */
  busy: LabAction | null;
  /** Why the last extend/reset/end failed (the session itself is unchanged). */
  actionError: string | null;
  /** Workspace generation: bumps on reset and on a restart after the end, remounting every pane. */
  epoch: number;
  /** The workspace of this epoch has been ready: its panes are mounted (and stay, read-only, after the end). */
  live: boolean;
  panes: string[];
  active: string;
  layout: PaneLayout;
  /** The dock is expanded (collapsed: only its header). */
  open: boolean;
  /** User-chosen dock height in px (bottom dock), or null for the default. */
  dockSize: number | null;
  screenReader: boolean;
  /** WebGL rendering (opt-in): faster with heavy output; the DOM renderer stays the default. */
  gpu: boolean;
  /** Server clock minus this clock, in ms (from the Date header), for the countdown. */
  clockSkew: number;
  /** Connection state of each mounted pane. */
  paneConn: Readonly<Record<string, PaneConnKind>>;
  /** Text for the polite live region; `id` changes so the same text is announced again. */
  announcement: { id: number; text: string };
}

export const INITIAL_LAB_STATE: LabState = Object.freeze({
  started: false,
  status: null,
  offline: false,
  busy: null,
  actionError: null,
  epoch: 0,
  live: false,
  panes: ['1'],
  active: '1',
  layout: 'tabs',
  open: false,
  dockSize: null,
  screenReader: false,
  gpu: false,
  clockSkew: 0,
  paneConn: {},
  announcement: { id: 0, text: '' },
}) as LabState;

export function derivePhase(state: LabState): LabPhase {
  const { status, busy } = state;
  if (busy === 'reset') return 'starting';
  if (busy === 'start' && (!status || status.state === 'none' || status.state === 'ended' || status.state === 'error')) return 'starting';
  if (!status) return state.started ? (state.offline ? 'reconnecting' : 'starting') : 'idle';
  switch (status.state) {
    case 'none':
      return state.started ? 'starting' : 'idle';
    case 'queued':
      return state.offline ? 'reconnecting' : 'queued';
    case 'starting':
      return state.offline ? 'reconnecting' : 'starting';
    case 'ready':
      return state.offline || Object.values(state.paneConn).some((kind) => kind === 'reconnecting') ? 'reconnecting' : 'ready';
    case 'ended':
      return 'ended';
    case 'error':
      return 'error';
  }
}

/** Used when the server does not say (older servers): warn this long before the idle stop. */
export const DEFAULT_IDLE_WARNING_MS = 5 * 60_000;

/**
 * Milliseconds until the workspace stops for lack of input, when that is close enough to warn
 * about (the server says how close: 5 minutes by default); otherwise undefined.
 * `clock` is the server's time (this clock plus the skew).
 */
export function idleWarningLeft(state: LabState, clock: number): number | undefined {
  const { status } = state;
  if (status?.state !== 'ready' || status.idleDeadline === undefined) return undefined;
  const left = status.idleDeadline - clock;
  return left < (status.idleWarningMs ?? DEFAULT_IDLE_WARNING_MS) ? Math.max(0, left) : undefined;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Whether this tab had started the lab (so a reload re-opens it without waiting for a click). */
export function wasStarted(storage: StorageLike | undefined): boolean {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as { started?: unknown }).started === true : false;
  } catch {
    return false;
  }
}

/**
 * Marks this tab's lab as started and open (what the Start lab button would record), for a page
 * that started the session itself — the workshop join page — so the next guide page picks the
 * starting workspace up at once instead of waiting for a click. Keeps the learner's layout.
 */
export function markStarted(storage: StorageLike | undefined): void {
  let saved: unknown = {};
  try {
    saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}');
  } catch {
    // unreadable: start over with just the lab started
  }
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify({ ...(typeof saved === 'object' && saved ? saved : {}), started: true, open: true }));
  } catch {
    // storage disabled or full: the guide page shows Start lab, which re-attaches to the same workspace
  }
}
