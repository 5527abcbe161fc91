/**
 * Everything that needs xterm.js, in one module that is only ever loaded with `import()` from
 * a mounted terminal pane — so a page without an open terminal ships no xterm code or CSS.
 * (xterm also touches `self` when evaluated, so it must never run during server rendering.)
 *
 * DOM renderer (xterm's default): readable by screen readers and by tests (`.xterm-rows`).
 * Unicode 11 widths, as the server's headless mirror uses, so snapshots line up.
 */
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { writeClipboard } from '../clipboard';
import { createKeyRouter } from './keys';
import type { TerminalSink } from './lab-socket';

export interface XtermHostOptions {
  label: string;
  describedBy?: string;
  screenReaderMode: boolean;
  /** Ctrl+Shift+F. */
  onFind(): void;
  /** A copy by keyboard worked or failed (for a short status line). */
  onCopy(result: 'copied' | 'empty' | 'failed'): void;
  /**
   * Someone else's terminal (a shadow): its size is the owner's, set through the sink, and the
   * terminal never fits itself to its box (the box scrolls instead).
   */
  followsOwnerSize?: boolean;
}

export interface XtermHost {
  readonly term: Terminal;
  readonly sink: TerminalSink;
  readonly search: SearchAddon;
  /** Fits to the container if it is visible; returns whether it could. */
  fit(): boolean;
  /** The whole buffer (scrollback included) as text, wrapped rows joined: for tests. */
  text(): string;
  setScreenReaderMode(on: boolean): void;
  /** Switches to the WebGL renderer (loaded on demand) or back to the DOM one; false when WebGL is unavailable. */
  setGpu(on: boolean): Promise<boolean>;
  /** Which renderer draws the terminal now. */
  renderer(): 'dom' | 'webgl';
  dispose(): void;
}

/** A dark palette (GitHub dark-ish) that keeps 4.5:1 for normal text on both page themes. */
const THEME: ITheme = {
  background: '#0d1117',
  foreground: '#e6edf3',
  cursor: '#e6edf3',
  cursorAccent: '#0d1117',
  selectionBackground: '#264f78',
  selectionForeground: '#ffffff',
  black: '#484f58',
  red: '#ff7b72',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#58a6ff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  brightBlack: '#6e7681',
  brightRed: '#ffa198',
  brightGreen: '#56d364',
  brightYellow: '#e3b341',
  brightBlue: '#79c0ff',
  brightMagenta: '#d2a8ff',
  brightCyan: '#56d4dd',
  brightWhite: '#ffffff',
  scrollbarSliderBackground: 'rgba(110, 118, 129, 0.4)',
  scrollbarSliderHoverBackground: 'rgba(110, 118, 129, 0.6)',
  scrollbarSliderActiveBackground: 'rgba(110, 118, 129, 0.8)',
};

const FONT_FAMILY = "ui-monospace, SFMono-Regular, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

const EMPTY = new Uint8Array(0);

export async function createXterm(container: HTMLElement, options: XtermHostOptions): Promise<XtermHost> {
  // Measure cells with the real font, not a fallback (a wrong cell size means a wrong cols/rows).
  await document.fonts?.ready.catch(() => undefined);

  const term = new Terminal({
    allowProposedApi: true, // the unicode API
    fontFamily: FONT_FAMILY,
    fontSize: 14,
    lineHeight: 1.1,
    cursorBlink: true,
    scrollback: 5000,
    theme: THEME,
    screenReaderMode: options.screenReaderMode,
    macOptionIsMeta: false,
    rightClickSelectsWord: false,
  });
  let webgl: { dispose(): void } | undefined;
  const fitAddon = new FitAddon();
  const search = new SearchAddon();
  term.loadAddon(fitAddon);
  term.loadAddon(search);
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = '11';
  term.loadAddon(
    new WebLinksAddon((event, uri) => {
      event.preventDefault();
      window.open(uri, '_blank', 'noopener,noreferrer');
    }),
  );

  const route = createKeyRouter();
  term.attachCustomKeyEventHandler((event) => {
    switch (route(event)) {
      case 'leave':
        // Not handled by xterm, not prevented: the browser moves focus on. The Esc already went to
        // the program; at a shell prompt readline now waits for a Meta-key, so the next letter typed
        // on return would turn into a command (Esc d = kill-word). Ctrl-G after Esc cancels that
        // (readline's abort). Full-screen programs (alternate buffer) handle a lone Esc themselves.
        if (event.type === 'keydown' && term.buffer.active.type === 'normal') term.input('\x07', false);
        return false;
      case 'paste':
        // The browser's own paste lands in xterm's textarea, which turns it into input.
        return false;
      case 'copy':
        if (event.type === 'keydown') {
          event.preventDefault();
          const selection = term.getSelection();
          if (!selection) options.onCopy('empty');
          else writeClipboard(selection).then(() => options.onCopy('copied'), () => options.onCopy('failed'));
        }
        return false;
      case 'find':
        if (event.type === 'keydown') {
          event.preventDefault();
          options.onFind();
        }
        return false;
      default:
        return true;
    }
  });

  term.open(container);
  const textarea = term.textarea;
  if (textarea) {
    textarea.setAttribute('aria-label', options.label);
    if (options.describedBy) textarea.setAttribute('aria-describedby', options.describedBy);
  }

  const isVisible = () => container.isConnected && container.clientWidth > 0 && container.clientHeight > 0;
  let sized = false;
  const fit = (): boolean => {
    if (!isVisible() || (options.followsOwnerSize && sized)) return false;
    const proposed = fitAddon.proposeDimensions();
    if (!proposed || !Number.isFinite(proposed.cols) || !Number.isFinite(proposed.rows)) return false;
    fitAddon.fit();
    return true;
  };
  fit();

  const sink: TerminalSink = {
    get cols() {
      return term.cols;
    },
    get rows() {
      return term.rows;
    },
    write(data, parsed) {
      term.write(data, parsed);
    },
    restore(snapshot, done) {
      // Queued behind anything still being parsed, so older bytes cannot land on the restored screen.
      term.write(EMPTY, () => {
        term.reset();
        term.resize(snapshot.cols, snapshot.rows);
      });
      term.write(snapshot.screen, () => {
        fit();
        done();
      });
    },
    clear() {
      term.write(EMPTY, () => term.reset());
    },
    resize(cols, rows) {
      sized = true;
      // Behind what is queued, like restore: bytes drawn at the old size stay where they were.
      term.write(EMPTY, () => {
        if (term.cols !== cols || term.rows !== rows) term.resize(cols, rows);
      });
    },
  };

  return {
    term,
    sink,
    search,
    fit,
    text() {
      const buffer = term.buffer.active;
      const lines: string[] = [];
      for (let y = 0; y < buffer.length; y++) {
        const line = buffer.getLine(y);
        if (!line) continue;
        const text = line.translateToString(true);
        if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
        else lines.push(text);
      }
      return lines.join('\n');
    },
    setScreenReaderMode(on) {
      term.options.screenReaderMode = on;
    },
    async setGpu(on) {
      if (!on) {
        webgl?.dispose();
        webgl = undefined;
        return true;
      }
      if (webgl) return true;
      try {
        const { WebglAddon } = await import('@xterm/addon-webgl');
        const addon = new WebglAddon();
        // A lost GPU context (driver reset, too many contexts) falls back to the DOM renderer.
        addon.onContextLoss(() => {
          addon.dispose();
          if (webgl === addon) webgl = undefined;
        });
        term.loadAddon(addon);
        webgl = addon;
        return true;
      } catch {
        return false;
      }
    },
    renderer() {
      return webgl ? 'webgl' : 'dom';
    },
    dispose() {
      term.dispose();
    },
  };
}
