'use client';

import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { LabController, PaneHandle } from '@/components/lab/lab-controller';
import { LabSocket, terminalUrl, type ConnectionState } from './lab-socket';
import type { XtermHost } from './xterm-host';

export interface TerminalPaneProps {
  paneId: string;
  /** Workspace generation: a new one means a fresh terminal (the provider remounts with a new key). */
  epoch: number;
  /** The learner's lab. Absent for a shadow: then nothing here starts sessions or takes Run buttons. */
  controller?: LabController;
  /**
   * Someone else's terminal, read-only (the instructor console's shadow): its socket URL, and the
   * label the pane goes by. The learner's own panes leave this out.
   */
  shadow?: { url: string; label: string };
  /** Shown (active tab, or split view, and the dock expanded). Hidden panes neither open nor fit. */
  visible: boolean;
  screenReader: boolean;
  /** WebGL renderer instead of the DOM one (opt-in). */
  gpu?: boolean;
  /** Show "Terminal N" in the pane bar (split view; tabs already name it). */
  showTitle: boolean;
  onClose(): void;
  /** For tabs: the tab that labels this panel. */
  labelledBy?: string;
  /** The panel's own id (tabs point at it with aria-controls). */
  id?: string;
}

type Overlay = { tone: 'cover' | 'banner'; text: string; action?: { label: string; run(): void } };

function overlayFor(
  conn: ConnectionState,
  socket: LabSocket | undefined,
  notice: string | null,
  loadError: string | null,
  viewer = false,
): Overlay | undefined {
  if (viewer) {
    // Watching someone else's shell: nothing to start, take over or restart from here.
    if (conn.kind === 'exited') return { tone: 'banner', text: 'The learner’s shell in this terminal exited.' };
    if (conn.kind === 'ended')
      return {
        tone: 'banner',
        text: 'This terminal has no shell now: the learner closed it, or their lab ended or was reset.',
        action: { label: 'Watch again', run: () => socket?.takeOver() },
      };
    if (conn.kind === 'connecting') return { tone: 'cover', text: notice ?? 'Connecting to the learner’s terminal…' };
  }
  if (loadError) return { tone: 'cover', text: loadError, action: { label: 'Reload the page', run: () => window.location.reload() } };
  switch (conn.kind) {
    case 'idle':
      return { tone: 'cover', text: 'Loading the terminal…' };
    case 'connecting':
      return { tone: 'cover', text: notice ?? 'Connecting to your shell…' };
    case 'ready':
      return notice ? { tone: 'banner', text: notice } : undefined;
    case 'reconnecting': {
      const why =
        conn.reason === 'engine-down'
          ? 'The Docker engine is not answering. Retrying…'
          : conn.reason === 'unauthorized'
            ? 'Signing this browser in to the lab…'
            : conn.reason === 'heartbeat'
              ? 'The connection stopped answering. Reconnecting…'
              : 'Connection lost. Reconnecting…';
      return {
        tone: 'banner',
        text: notice ? `${notice} ${why}` : why,
        action: conn.retryInMs > 0 ? { label: 'Reconnect now', run: () => socket?.nudge() } : undefined,
      };
    }
    case 'exited':
      return {
        tone: 'banner',
        text: conn.code === null ? 'Shell exited.' : `Shell exited (code ${conn.code}).`,
        action: { label: 'New shell', run: () => socket?.restart() },
      };
    case 'superseded':
      return {
        tone: 'banner',
        text: 'This terminal is open in another tab.',
        action: { label: 'Use here', run: () => socket?.takeOver() },
      };
    case 'ended':
      return { tone: 'banner', text: notice ?? 'This terminal’s lab session has ended.' };
    case 'failed':
      return { tone: 'banner', text: conn.message, action: { label: 'Try again', run: () => socket?.takeOver() } };
    case 'disposed':
      return undefined;
  }
}

function shortStatus(conn: ConnectionState): string {
  switch (conn.kind) {
    case 'ready':
      return 'connected';
    case 'reconnecting':
      return 'reconnecting';
    case 'exited':
      return 'exited';
    case 'superseded':
      return 'in another tab';
    case 'ended':
      return 'ended';
    case 'failed':
      return 'not connected';
    default:
      return 'connecting';
  }
}

function latencyLevel(ms: number): 'good' | 'fair' | 'poor' {
  return ms < 100 ? 'good' : ms < 300 ? 'fair' : 'poor';
}

const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/**
 * One terminal: loads xterm on first show (dynamic import: no xterm in the page's first load),
 * connects its socket, and shows what is going on when it is not simply connected — never a
 * blank pane.
 */
export function TerminalPane({ paneId, epoch, controller, shadow, visible, screenReader, gpu = false, showTitle, onClose, labelledBy, id }: TerminalPaneProps) {
  // Strings, not the object: a new `shadow` object with the same values must not reconnect.
  const shadowUrl = shadow?.url;
  const shadowLabel = shadow?.label;
  const title = shadowLabel ?? `Terminal ${paneId}`;
  const hostRef = useRef<HTMLDivElement>(null);
  const xtermRef = useRef<XtermHost | undefined>(undefined);
  const searchRef = useRef<HTMLInputElement>(null);
  const screenReaderRef = useRef(screenReader);
  const gpuRef = useRef(gpu);
  const [socket, setSocket] = useState<LabSocket | undefined>(undefined);
  const [activated, setActivated] = useState(visible);
  const [conn, setConn] = useState<ConnectionState>({ kind: 'idle' });
  const [latency, setLatency] = useState<number | undefined>(undefined);
  const [size, setSize] = useState<{ cols: number; rows: number } | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [searchMiss, setSearchMiss] = useState(false);
  const [flash, setFlash] = useState('');
  const [mac] = useState(isMac);
  const hintId = useId();
  const titleId = useId();

  // A pane opens (loads xterm, connects) the first time it is shown, never while hidden.
  if (visible && !activated) setActivated(true);

  useEffect(() => {
    screenReaderRef.current = screenReader;
    xtermRef.current?.setScreenReaderMode(screenReader);
  }, [screenReader]);

  useEffect(() => {
    gpuRef.current = gpu;
    void xtermRef.current?.setGpu(gpu);
  }, [gpu]);

  useEffect(() => {
    if (!flash) return;
    const timer = setTimeout(() => setFlash(''), 2000);
    return () => clearTimeout(timer);
  }, [flash]);

  useEffect(() => {
    if (!activated) return;
    const host = hostRef.current;
    if (!host) return;
    let disposed = false;
    let xterm: XtermHost | undefined;
    let labSocket: LabSocket | undefined;
    const cleanups: (() => void)[] = [];

    (async () => {
      const { createXterm } = await import('./xterm-host');
      if (disposed) return;
      xterm = await createXterm(host, {
        label: shadowLabel ?? `Terminal ${paneId}`,
        describedBy: hintId,
        screenReaderMode: screenReaderRef.current,
        onFind: () => setSearchOpen(true),
        onCopy: (result) => setFlash(result === 'copied' ? 'Copied' : result === 'empty' ? 'Select text to copy' : 'Copy failed'),
        followsOwnerSize: shadowUrl !== undefined,
      });
      if (disposed) {
        xterm.dispose();
        return;
      }
      xtermRef.current = xterm;
      if (gpuRef.current) void xterm.setGpu(true);
      const term = xterm.term;
      // A shadow is read-only: xterm takes no keys (the socket would drop them anyway).
      if (shadowUrl !== undefined) term.options.disableStdin = true;
      setSize({ cols: term.cols, rows: term.rows });

      const ws = new LabSocket({
        url: shadowUrl ?? terminalUrl(window.location),
        paneId,
        sink: xterm.sink,
        viewer: shadowUrl !== undefined,
        ...(controller ? { authorize: () => controller.ensureSession(), onGone: () => void controller.refresh() } : {}),
      });
      labSocket = ws;
      cleanups.push(
        ws.on('state', (state) => {
          setConn(state);
          controller?.reportPane(paneId, state.kind);
          if (state.kind === 'ready' || state.kind === 'connecting') setNotice(null);
        }),
        ws.on('latency', setLatency),
        ws.on('notice', (message) => setNotice(message.message)),
      );
      const data = term.onData((text) => {
        if (ws.sendText(text)) controller?.noteInput();
      });
      const binary = term.onBinary((bytes) => ws.sendBinary(bytes));
      const resized = term.onResize(({ cols, rows }) => {
        setSize({ cols, rows });
        ws.resize(cols, rows);
      });
      cleanups.push(
        () => data.dispose(),
        () => binary.dispose(),
        () => resized.dispose(),
      );

      // Fit on container size changes: next frame, then ~50 ms of quiet. Hidden panes do not fit.
      let frame = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const observer = new ResizeObserver(() => {
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => {
          clearTimeout(timer);
          timer = setTimeout(() => xterm?.fit(), 50);
        });
      });
      observer.observe(host);
      cleanups.push(() => {
        observer.disconnect();
        cancelAnimationFrame(frame);
        clearTimeout(timer);
      });

      const nudge = () => {
        if (document.visibilityState === 'visible') ws.nudge();
      };
      window.addEventListener('online', nudge);
      window.addEventListener('offline', nudge);
      document.addEventListener('visibilitychange', nudge);
      cleanups.push(() => {
        window.removeEventListener('online', nudge);
        window.removeEventListener('offline', nudge);
        document.removeEventListener('visibilitychange', nudge);
      });

      // A shell that has just started prints its prompt first: text typed before that is echoed
      // twice (once by the TTY, once by readline). Wait for the first output to go quiet (≤ 2 s).
      let readyAt = 0;
      cleanups.push(
        ws.on('state', (state) => {
          if (state.kind === 'ready') readyAt = Date.now();
        }),
      );
      const settle = () =>
        new Promise<void>((resolve) => {
          const deadline = readyAt + 2000;
          let seen = ws.seq ?? 0;
          let quietSince = Date.now();
          const check = () => {
            const seq = ws.seq ?? 0;
            if (seq !== seen) {
              seen = seq;
              quietSince = Date.now();
            }
            if (Date.now() >= deadline || (seq > 0 && Date.now() - quietSince >= 150)) resolve();
            else setTimeout(check, 50);
          };
          check();
        });

      const handle: PaneHandle = {
        whenReady: (timeoutMs) =>
          new Promise<void>((resolve, reject) => {
            const kind = ws.state.kind;
            if (kind === 'ready') return void settle().then(resolve);
            // A Run button pressed here means "here": take the pane back, or start a new shell.
            if (kind === 'superseded' || kind === 'failed') ws.takeOver();
            else if (kind === 'exited') ws.restart();
            let off = () => {};
            const timer = setTimeout(() => {
              off();
              reject(new Error(`Terminal ${paneId} did not connect in time`));
            }, timeoutMs);
            off = ws.on('state', (state) => {
              if (state.kind === 'ready') {
                clearTimeout(timer);
                off();
                void settle().then(resolve);
              } else if (state.kind === 'ended' || state.kind === 'disposed' || state.kind === 'failed') {
                clearTimeout(timer);
                off();
                reject(new Error(state.kind === 'failed' ? state.message : `Terminal ${paneId} is not available`));
              }
            });
          }),
        send: (text) => ws.sendText(text),
        focus: () => term.focus(),
      };
      if (controller) cleanups.push(controller.registerPane(paneId, epoch, handle));

      // End-to-end tests read the whole buffer (the DOM only holds the visible rows) through a
      // hook they install before the page loads; nothing is exposed otherwise.
      const testHook = (window as { __LAB_E2E__?: { panes: Record<string, unknown> } }).__LAB_E2E__;
      if (testHook) {
        const host = xterm;
        testHook.panes[shadowUrl !== undefined ? `shadow-${paneId}` : paneId] = { text: () => host.text(), seq: () => ws.seq, state: () => ws.state.kind, drop: () => ws.reconnect(), renderer: () => host.renderer() };
        cleanups.push(() => {
          delete testHook.panes[shadowUrl !== undefined ? `shadow-${paneId}` : paneId];
        });
      }
      setSocket(ws);
      ws.connect();
    })().catch((error: unknown) => {
      if (disposed) return;
      setLoadError(`The terminal could not load (${error instanceof Error ? error.message : String(error)}). Check your connection and reload the page.`);
    });

    return () => {
      disposed = true;
      for (const cleanup of cleanups.splice(0)) cleanup();
      labSocket?.dispose();
      xterm?.dispose();
      xtermRef.current = undefined;
      controller?.reportPane(paneId, undefined);
    };
  }, [activated, paneId, epoch, controller, hintId, shadowUrl, shadowLabel]);

  useEffect(() => {
    if (searchOpen) searchRef.current?.focus();
  }, [searchOpen]);

  const closeSearch = () => {
    setSearchOpen(false);
    setSearchMiss(false);
    xtermRef.current?.search.clearDecorations();
    xtermRef.current?.term.focus();
  };

  const find = (direction: 'next' | 'previous', incremental = false) => {
    const search = xtermRef.current?.search;
    if (!search || !query) {
      setSearchMiss(false);
      return;
    }
    const found = direction === 'next' ? search.findNext(query, { incremental }) : search.findPrevious(query);
    setSearchMiss(!found);
  };

  const onSearchKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      closeSearch();
    } else if (event.key === 'Enter' && event.shiftKey) {
      event.preventDefault();
      find('previous');
    }
  };

  const onSearchSubmit = (event: FormEvent) => {
    event.preventDefault();
    find('next');
  };

  const overlay = overlayFor(conn, socket, notice, loadError, shadowUrl !== undefined);

  return (
    <section
      id={id}
      className="term-pane"
      role={labelledBy ? 'tabpanel' : 'group'}
      aria-labelledby={labelledBy ?? titleId}
      hidden={!visible}
      data-pane-id={paneId}
      data-state={loadError ? 'load-error' : conn.kind}
      data-cols={size?.cols}
      data-rows={size?.rows}
    >
      <div className="term-bar">
        <span className="term-title" id={titleId} data-shown={showTitle ? '' : undefined}>
          {title}
        </span>
        <span className="term-conn" data-kind={conn.kind}>
          <span className="term-dot" aria-hidden="true" />
          {shortStatus(conn)}
        </span>
        {size ? (
          <span className="term-size" title="Columns × rows">
            {size.cols}×{size.rows}
          </span>
        ) : null}
        {latency !== undefined && conn.kind === 'ready' ? (
          <span
            className="term-latency"
            data-level={latencyLevel(latency)}
            title="Round trip to the lab server"
            aria-label={`Latency ${latency} milliseconds`}
            data-testid="latency"
          >
            {latency} ms
          </span>
        ) : null}
        <span className="term-flash" role="status">
          {flash}
        </span>
        <span className="term-bar-actions">
          <button
            type="button"
            className="term-icon-button"
            aria-label={`Find in ${title}`}
            title="Find (Ctrl+Shift+F)"
            aria-expanded={searchOpen}
            onClick={() => (searchOpen ? closeSearch() : setSearchOpen(true))}
            disabled={!socket}
          >
            <svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
              <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
              <path d="M10.5 10.5L14 14" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
            </svg>
          </button>
          <button
            type="button"
            className="term-icon-button"
            aria-label={shadow ? `Stop watching ${title}` : `Close terminal ${paneId}`}
            title={shadow ? 'Stop watching (the learner’s shell is not affected)' : 'Close this terminal (its shell keeps running)'}
            onClick={onClose}
          >
            <svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
              <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
            </svg>
          </button>
        </span>
      </div>
      {searchOpen ? (
        <form className="term-search" role="search" aria-label={`Find in ${title}`} onSubmit={onSearchSubmit}>
          <input
            ref={searchRef}
            type="search"
            value={query}
            placeholder="Find"
            aria-label="Text to find"
            onChange={(event) => {
              setQuery(event.target.value);
              setSearchMiss(false);
            }}
            onKeyDown={onSearchKey}
            onKeyUp={(event) => {
              if (event.key.length === 1 || event.key === 'Backspace') find('next', true);
            }}
          />
          <button type="button" className="term-text-button" onClick={() => find('previous')}>
            Previous
          </button>
          <button type="submit" className="term-text-button">
            Next
          </button>
          <button type="button" className="term-text-button" onClick={closeSearch}>
            Close
          </button>
          <span role="status" className="term-search-status">
            {searchMiss ? 'No matches' : ''}
          </span>
        </form>
      ) : null}
      <div className="term-viewport">
        <div className="term-host" ref={hostRef} />
        {overlay ? (
          <div className="term-overlay" data-tone={overlay.tone} role="status">
            <span>{overlay.text}</span>
            {overlay.action ? (
              <button type="button" className="button term-overlay-action" onClick={overlay.action.run}>
                {overlay.action.label}
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
      <p className="term-hint" id={hintId}>
        {shadow ? 'Read-only: you see this learner’s terminal live; nothing you type reaches it. ' : null}
        <kbd>Esc</kbd> then <kbd>Tab</kbd> leaves the terminal · copy <kbd>{mac ? '⌘C' : 'Ctrl+Shift+C'}</kbd> · paste{' '}
        <kbd>{mac ? '⌘V' : 'Ctrl+Shift+V'}</kbd> or right-click · find <kbd>Ctrl+Shift+F</kbd>
      </p>
    </section>
  );
}
