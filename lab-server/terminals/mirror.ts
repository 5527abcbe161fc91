import { SerializeAddon } from '@xterm/addon-serialize';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import headless from '@xterm/headless';

const SCROLLBACK = 1000;

/** A headless terminal fed the same bytes as the learner's, so a reloaded page gets its screen back. */
export interface Mirror {
  write(chunk: Uint8Array): void;
  /**
   * Bytes written but not parsed yet. The mirror parses in slices between other work, so under
   * load it can fall behind the shell; the pane stops reading the shell while this is high
   * (past 50 MB xterm would throw "write data discarded").
   */
  readonly backlog: number;
  resize(cols: number, rows: number): void;
  /** The screen (with scrollback) as escape sequences, and how many output bytes it reflects exactly. */
  snapshot(): Promise<{ screen: string; seq: number }>;
  dispose(): void;
}

/** `onParsed` runs after each written chunk has been parsed (the backlog went down). */
export function createMirror(cols: number, rows: number, onParsed?: () => void): Mirror {
  const terminal = new headless.Terminal({ cols, rows, scrollback: SCROLLBACK, allowProposedApi: true });
  const serializer = new SerializeAddon();
  terminal.loadAddon(serializer as unknown as headless.ITerminalAddon);
  terminal.loadAddon(new Unicode11Addon() as unknown as headless.ITerminalAddon);
  terminal.unicode.activeVersion = '11';
  let parsedSeq = 0;
  let writtenSeq = 0;
  let disposed = false;

  return {
    write(chunk) {
      const length = chunk.byteLength;
      writtenSeq += length;
      terminal.write(chunk, () => {
        parsedSeq += length;
        onParsed?.();
      });
    },
    get backlog() {
      return writtenSeq - parsedSeq;
    },
    resize(newCols, newRows) {
      if (!disposed) terminal.resize(newCols, newRows);
    },
    snapshot() {
      // Queued behind every earlier write: when it runs, the screen holds exactly parsedSeq bytes.
      return new Promise((resolve) => {
        terminal.write(new Uint8Array(0), () => resolve({ screen: serializer.serialize({ scrollback: SCROLLBACK }), seq: parsedSeq }));
      });
    },
    dispose() {
      disposed = true;
      terminal.dispose();
    },
  };
}
