/**
 * The learner's lab, as the page sees it: a small store (useSyncExternalStore) with the session
 * state machine, status polling, the actions of the lab header, the open panes, and
 * `run()` for Run buttons. Framework-free so it is unit-tested without a DOM.
 *
 * Session phases (what the header shows):
 *
 *   idle ──start──▶ starting ◀──▶ queued
 *                      │
 *                      ▼
 *                    ready ◀──▶ reconnecting   (status poll failing, or a pane's socket retrying)
 *                      │
 *          ┌───────────┼──────────────┐
 *          ▼           ▼              ▼
 *        ended       error      (reset) starting
 *          │           │
 *          └──start────┴──▶ starting (a new workspace: panes remount with fresh terminals)
 *
 * Polling: every 1 s while queued/starting, 15 s while ready, 5 s while error, never while
 * idle/ended; with growing delays (1, 2, 4, 8, 15 s) while the server is unreachable.
 *
 * This module ships with every guide page (through the provider and Run buttons), so it imports
 * nothing heavy: types only from the protocol, no zod, no xterm.
 */
import { stripPrompts } from '@/lib/content/code-text';
import { createSessionApi, type ApiResult, type SessionApi } from './session-api';
import {
  DEFAULT_IDLE_WARNING_MS,
  derivePhase,
  idleWarningLeft,
  INITIAL_LAB_STATE,
  MAX_PANES,
  PANE_IDS,
  STORAGE_KEY,
  type LabAction,
  type LabPhase,
  type LabState,
  type PaneConnKind,
  type PaneLayout,
  type StorageLike,
} from './lab-state';

export * from './lab-state';

/** Next status poll in ms, or null for none. `now` is this clock (for the idle warning). */
export function pollDelay(state: LabState, offlineAttempt: number, now = Date.now()): number | null {
  if (!state.started) return null;
  if (state.offline) return Math.min(15_000, 1000 * 2 ** Math.min(offlineAttempt, 4));
  switch (state.status?.state) {
    case 'queued':
    case 'starting':
      return 1000;
    case 'ready': {
      // Ask again right when the idle warning would start, so it shows only if the server agrees.
      const { idleDeadline, idleWarningMs = DEFAULT_IDLE_WARNING_MS } = state.status;
      if (idleDeadline === undefined) return 15_000;
      const warnIn = idleDeadline - idleWarningMs - (now + state.clockSkew);
      return warnIn > 0 ? Math.min(15_000, Math.max(500, warnIn + 250)) : 15_000;
    }
    case 'error':
      return 5000;
    default:
      return null;
  }
}

/** The bytes a Run button types: each line followed by Enter (CR, as a keyboard sends). */
export function commandToInput(command: string): string {
  const lines = stripPrompts(command.replace(/\r\n?/g, '\n')).replace(/\n+$/, '').split('\n');
  return lines.map((line) => `${line}\r`).join('');
}

export function paneIdFor(term: number): string {
  const n = Number.isFinite(term) ? Math.min(MAX_PANES, Math.max(1, Math.round(term))) : 1;
  return String(n);
}

/** What a mounted terminal pane offers to Run buttons. */
export interface PaneHandle {
  /** Resolves once the pane's socket is ready; rejects after `timeoutMs` or if it cannot become ready. */
  whenReady(timeoutMs: number): Promise<void>;
  /** Types text into the shell. False if not connected. */
  send(text: string): boolean;
  focus(): void;
}

/** What survives a reload (sessionStorage): the learner's layout, not the session's live state. */
type Persisted = Pick<LabState, 'started' | 'panes' | 'active' | 'layout' | 'open' | 'dockSize' | 'screenReader' | 'gpu'>;

function readPersisted(storage: StorageLike | undefined): Partial<Persisted> {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return {};
    const value = JSON.parse(raw) as Record<string, unknown>;
    const out: Partial<Persisted> = {};
    if (typeof value.started === 'boolean') out.started = value.started;
    if (Array.isArray(value.panes)) {
      const panes = [...new Set(value.panes.filter((p): p is string => (PANE_IDS as readonly string[]).includes(p as string)))];
      out.panes = panes.sort();
    }
    if (typeof value.active === 'string' && (PANE_IDS as readonly string[]).includes(value.active)) out.active = value.active;
    if (value.layout === 'tabs' || value.layout === 'split') out.layout = value.layout;
    if (typeof value.open === 'boolean') out.open = value.open;
    if (typeof value.dockSize === 'number' && value.dockSize > 0) out.dockSize = value.dockSize;
    if (typeof value.screenReader === 'boolean') out.screenReader = value.screenReader;
    if (typeof value.gpu === 'boolean') out.gpu = value.gpu;
    return out;
  } catch {
    return {};
  }
}

/**
 * When to look again after the lab ended unasked: a reset done elsewhere (an instructor's) ends
 * the old workspace first, which takes a few seconds on a busy engine, then starts a new one.
 */
export const ENDED_RECHECKS_MS = [2000, 4000, 8000] as const;

export class LabError extends Error {
  override name = 'LabError';
}

type Waiter = { check: (state: LabState) => boolean };

export interface LabControllerOptions {
  api?: SessionApi;
  storage?: StorageLike;
  now?: () => number;
}

export class LabController {
  private state: LabState = INITIAL_LAB_STATE;
  private readonly listeners = new Set<() => void>();
  private readonly waiters = new Set<Waiter>();
  private readonly api: SessionApi;
  private storage: StorageLike | undefined;
  private readonly now: () => number;
  private readonly handles = new Map<string, { epoch: number; handle: PaneHandle }>();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private offlineAttempt = 0;
  private inflight: Promise<void> | undefined;
  private startPromise: Promise<void> | undefined;
  private lastAutoStart = -Infinity;
  private lastInputKeepAlive = -Infinity;
  private runQueue: Promise<unknown> = Promise.resolve();
  private hydrated = false;
  /** Polls left after an end this tab did not ask for (see apply); the next is ENDED_RECHECKS_MS[length - left]. */
  private endedRechecksLeft = 0;
  private detached = false;
  private disposed = false;

  constructor(options: LabControllerOptions = {}) {
    this.api = options.api ?? createSessionApi();
    this.storage = options.storage;
    this.now = options.now ?? Date.now;
  }

  // ---------- store ----------

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): LabState => this.state;

  get phase(): LabPhase {
    return derivePhase(this.state);
  }

  private set(patch: Partial<LabState>): void {
    this.state = { ...this.state, ...patch };
    for (const waiter of [...this.waiters]) waiter.check(this.state);
    for (const listener of [...this.listeners]) listener();
  }

  private persist(): void {
    const { started, panes, active, layout, open, dockSize, screenReader, gpu } = this.state;
    const value: Persisted = { started, panes, active, layout, open, dockSize, screenReader, gpu };
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(value));
    } catch {
      // private mode or full storage: the lab still works, it just does not come back after a reload
    }
  }

  /**
   * The provider mounted: the first time, read what this tab had open (after mount, so the server
   * render and the first client render agree) and re-attach to a running lab; later, resume polling.
   */
  attach(storage?: StorageLike): void {
    this.detached = false;
    if (this.hydrated) {
      this.wake();
      return;
    }
    this.hydrated = true;
    if (storage) this.storage = storage;
    const saved = readPersisted(this.storage);
    const panes = saved.panes ?? this.state.panes;
    this.set({
      ...saved,
      panes,
      active: saved.active && panes.includes(saved.active) ? saved.active : (panes[0] ?? '1'),
    });
    if (this.state.started) void this.refresh();
  }

  /** The provider unmounted (maybe only for a moment, in development): stop polling. */
  detach(): void {
    this.detached = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.listeners.clear();
    for (const waiter of this.waiters) waiter.check({ ...this.state, started: false, status: null });
    this.waiters.clear();
  }

  // ---------- session ----------

  /** Starts (or re-attaches to) the learner's lab and opens the dock. */
  start(): Promise<void> {
    if (this.startPromise) return this.startPromise;
    const previous = this.state.status?.state;
    const newWorkspace = this.state.live && (previous === 'ended' || previous === 'error' || previous === 'none');
    this.set({
      started: true,
      open: true,
      busy: 'start',
      actionError: null,
      ...(newWorkspace ? { epoch: this.state.epoch + 1, live: false, paneConn: {} } : {}),
      ...(this.state.panes.length === 0 ? { panes: ['1'], active: '1' } : {}),
    });
    this.persist();
    this.startPromise = this.api
      .start()
      .then((result) => {
        this.set({ busy: null });
        this.apply(result, 'start');
      })
      .finally(() => {
        this.startPromise = undefined;
      });
    return this.startPromise;
  }

  /** Asks the server for the status now (Run buttons, a pane whose workspace vanished, the tab coming back). */
  refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.startPromise) return this.startPromise;
    this.inflight = this.api
      .get()
      .then((result) => this.apply(result, 'poll'))
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  async extend(): Promise<void> {
    await this.action('extend', () => this.api.extend());
    if (!this.state.actionError) this.announce('Lab time extended');
  }

  /** "I'm still here" (the idle warning's button): restarts the idle countdown without typing. */
  async keepAlive(): Promise<void> {
    await this.action('keepalive', () => this.api.keepAlive());
    if (!this.state.actionError) this.announce('The lab keeps running');
  }

  /**
   * A pane sent input. The server already counts it as activity; while the idle warning shows,
   * also say so over HTTP, so the warning goes away at once instead of at the next poll.
   */
  noteInput(): void {
    if (idleWarningLeft(this.state, this.now() + this.state.clockSkew) === undefined) return;
    if (this.now() - this.lastInputKeepAlive < 2000) return;
    this.lastInputKeepAlive = this.now();
    void this.api.keepAlive().then((result) => {
      if (result.ok) this.apply(result, 'poll');
    });
  }

  /** A fresh workspace: every pane starts a new shell. */
  async reset(): Promise<void> {
    this.set({ epoch: this.state.epoch + 1, live: false, paneConn: {} });
    await this.action('reset', () => this.api.reset());
    if (!this.state.actionError) this.announce('Environment reset; starting a fresh workspace');
  }

  async end(): Promise<void> {
    await this.action('end', () => this.api.end());
    if (!this.state.actionError) {
      this.set({ started: false });
      this.persist();
      this.announce('Lab ended');
    }
  }

  private async action(name: Exclude<LabAction, 'start'>, call: () => Promise<ApiResult>): Promise<void> {
    if (this.state.busy) return;
    this.set({ busy: name, actionError: null });
    const result = await call();
    this.set({ busy: null });
    this.apply(result, name);
  }

  private apply(result: ApiResult, source: 'poll' | LabAction): void {
    if (this.disposed) return;
    if (!result.ok) {
      if (result.offline || (source === 'poll' && (result.httpStatus ?? 0) >= 500)) {
        this.offlineAttempt += 1;
        this.set({ offline: true });
      } else if (source === 'start' || source === 'poll') {
        // The server answered with a reason (origin refused, engine down, no lab API here…).
        this.offlineAttempt = 0;
        this.set({ offline: false, status: { state: 'error', message: result.message } });
      } else {
        this.set({ offline: false, actionError: result.message });
      }
      this.schedulePoll();
      return;
    }
    this.offlineAttempt = 0;
    const { status } = result;
    const patch: Partial<LabState> = { status, offline: false };
    if (result.serverDate !== undefined) {
      const skew = result.serverDate - this.now();
      patch.clockSkew = Math.abs(skew) > 2000 ? skew : 0;
    }
    const previous = this.state.status?.state;
    if (source === 'poll' && this.state.live && (status.state === 'starting' || status.state === 'queued')) {
      // The workspace was replaced from elsewhere (an instructor's reset, another tab's): the
      // panes of the old one are dead; fresh ones mount when the new one is ready.
      Object.assign(patch, { epoch: this.state.epoch + 1, live: false, paneConn: {} });
    } else if (source === 'poll' && status.state === 'ready' && this.state.live && Object.values(this.state.paneConn).includes('ended')) {
      // Replaced between two polls: the old panes said "ended", yet a workspace is ready.
      Object.assign(patch, { epoch: this.state.epoch + 1, paneConn: {} });
    }
    if (status.state === 'ready') patch.live = true;
    if (status.state === 'ended' && source !== 'end' && previous !== 'ended') {
      this.announce(status.message ?? 'The lab session ended');
      // An end this tab did not ask for may be the first half of a reset done elsewhere (the
      // new workspace is requested right after): look a few more times before settling on "ended".
      if (source === 'poll') this.endedRechecksLeft = ENDED_RECHECKS_MS.length;
    } else if (status.state !== 'ended') {
      this.endedRechecksLeft = 0;
    }
    this.set(patch);
    if (status.state === 'none' && this.state.started && source === 'poll' && this.now() - this.lastAutoStart > 5000) {
      // The server has no lab for us (it restarted, or the cookie is new): this tab had one, so start it again.
      this.lastAutoStart = this.now();
      if (this.state.live) this.set({ epoch: this.state.epoch + 1, live: false, paneConn: {} });
      void this.start();
      return;
    }
    this.schedulePoll();
  }

  private schedulePoll(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    if (this.disposed || this.detached) return;
    let delay = pollDelay(this.state, this.offlineAttempt - 1, this.now());
    if (delay === null && this.endedRechecksLeft > 0 && this.state.status?.state === 'ended') {
      delay = ENDED_RECHECKS_MS[ENDED_RECHECKS_MS.length - this.endedRechecksLeft]!;
      this.endedRechecksLeft -= 1;
    }
    if (delay === null) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.refresh();
    }, delay);
  }

  /** The network came back or the tab became visible: poll now instead of waiting. */
  wake(): void {
    if (this.state.started && !this.inflight && !this.startPromise) void this.refresh();
  }

  // ---------- dock and panes ----------

  setOpen(open: boolean): void {
    if (open === this.state.open) return;
    this.set({ open });
    this.persist();
  }

  setDockSize(dockSize: number | null): void {
    this.set({ dockSize });
    this.persist();
  }

  setLayout(layout: PaneLayout): void {
    this.set({ layout });
    this.persist();
  }

  setScreenReader(screenReader: boolean): void {
    this.set({ screenReader });
    this.persist();
  }

  setGpu(gpu: boolean): void {
    this.set({ gpu });
    this.persist();
  }

  /** Opens pane `id` (or the lowest free one) and shows it. Returns the id, or undefined when all are open. */
  openPane(id?: string): string | undefined {
    const { panes } = this.state;
    const target = id ?? PANE_IDS.find((candidate) => !panes.includes(candidate));
    if (!target) {
      this.announce(`At most ${MAX_PANES} terminals can be open`);
      return undefined;
    }
    const next = panes.includes(target) ? panes : [...panes, target].sort();
    this.set({ panes: next, active: target });
    this.persist();
    return target;
  }

  closePane(id: string): void {
    const { panes, active } = this.state;
    const index = panes.indexOf(id);
    if (index < 0) return;
    const next = panes.filter((pane) => pane !== id);
    const paneConn = { ...this.state.paneConn };
    delete paneConn[id];
    this.set({
      panes: next,
      active: active === id ? (next[Math.min(index, next.length - 1)] ?? '1') : active,
      paneConn,
    });
    this.persist();
  }

  setActive(id: string): void {
    if (!this.state.panes.includes(id) || id === this.state.active) return;
    this.set({ active: id });
    this.persist();
  }

  reportPane(id: string, kind: PaneConnKind | undefined): void {
    if (this.state.paneConn[id] === kind) return;
    const paneConn = { ...this.state.paneConn };
    if (kind === undefined) delete paneConn[id];
    else paneConn[id] = kind;
    this.set({ paneConn });
  }

  registerPane(id: string, epoch: number, handle: PaneHandle): () => void {
    const entry = { epoch, handle };
    this.handles.set(id, entry);
    this.set({});
    return () => {
      if (this.handles.get(id) === entry) this.handles.delete(id);
    };
  }

  /** For a pane's socket on 4001: make sure the session exists (sets the cookie), then wait for it. */
  async ensureSession(): Promise<void> {
    await this.start();
    await this.waitForLive(120_000);
  }

  announce(text: string): void {
    this.set({ announcement: { id: this.state.announcement.id + 1, text } });
  }

  // ---------- Run buttons ----------

  /**
   * Types `command` into terminal `term`: starts the lab if needed, opens the pane, waits for its
   * shell, sends Ctrl-C first when asked. Runs are queued so two clicks never interleave.
   */
  run(command: string, options: { term: number; interrupt?: boolean }): Promise<void> {
    const job = this.runQueue.then(() => this.runNow(command, options));
    this.runQueue = job.catch(() => undefined);
    return job;
  }

  private async runNow(command: string, { term, interrupt = false }: { term: number; interrupt?: boolean }): Promise<void> {
    const id = paneIdFor(term);
    this.setOpen(true);
    const phase = this.phase;
    if (phase === 'idle' || phase === 'ended' || phase === 'error' || !this.state.started) await this.start();
    await this.waitForLive(10 * 60_000);
    this.openPane(id);
    const handle = await this.waitForPane(id, 30_000);
    await handle.whenReady(30_000);
    if (interrupt) {
      handle.send('\x03');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!handle.send(commandToInput(command))) throw new LabError(`Terminal ${id} is not connected`);
    this.announce(`Sent to terminal ${id}`);
  }

  /** Resolves when the workspace is ready; rejects when the lab ends, fails, or is stopped. */
  private waitForLive(timeoutMs: number): Promise<void> {
    return this.waitFor(
      (state) => state.live && (state.status?.state === 'ready' || derivePhase(state) === 'reconnecting'),
      (state) => {
        if (state.busy) return undefined;
        const phase = derivePhase(state);
        if (phase === 'error' || phase === 'ended') return state.status?.message ?? 'The lab is not running';
        if (phase === 'idle') return 'The lab was stopped';
        return undefined;
      },
      timeoutMs,
      'The lab did not start in time',
    );
  }

  private waitForPane(id: string, timeoutMs: number): Promise<PaneHandle> {
    const find = () => {
      const entry = this.handles.get(id);
      return entry && entry.epoch === this.state.epoch ? entry.handle : undefined;
    };
    return this.waitFor(
      () => find() !== undefined,
      (state) => (state.panes.includes(id) ? undefined : `Terminal ${id} was closed`),
      timeoutMs,
      `Terminal ${id} did not open in time`,
    ).then(() => find()!);
  }

  private waitFor(
    done: (state: LabState) => boolean,
    fail: (state: LabState) => string | undefined,
    timeoutMs: number,
    timeoutMessage: string,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new LabError(timeoutMessage));
      }, timeoutMs);
      const finish = () => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
      };
      const waiter: Waiter = {
        check: (state) => {
          if (done(state)) {
            finish();
            resolve();
            return true;
          }
          const failure = fail(state);
          if (failure !== undefined) {
            finish();
            reject(new LabError(failure));
            return true;
          }
          return false;
        },
      };
      if (!waiter.check(this.state)) this.waiters.add(waiter);
    });
  }
}
