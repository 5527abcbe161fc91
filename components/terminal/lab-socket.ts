/**
 * The browser side of the terminal wire protocol (lab-server/protocol/terminal.ts): one
 * WebSocket per pane, framework-free so it can be unit-tested with a fake socket.
 *
 * What it owns:
 *  - the handshake (Hello → ready, then SNAPSHOT for `snapshot` mode);
 *  - `seq`: bytes of OUTPUT handed to the terminal, sent back as `lastSeq` after a blip so the
 *    server replays exactly what was missed;
 *  - flow control: bytes the terminal has *parsed* (write callback) are acked in 32 KiB steps,
 *    plus a partial ack whenever no write is outstanding (anti-deadlock);
 *  - resize (only when cols/rows changed), input chunking (≤ 64 KiB frames);
 *  - heartbeat (PING every 10 s, RTT for the latency indicator, 2 missed PONGs → reconnect);
 *  - close codes → what happens next (reconnect with backoff, at once, or stop and explain).
 *
 * It knows nothing about xterm: the terminal is a `TerminalSink`.
 */
import {
  Close,
  decodeServerFrame,
  encodeAck,
  encodeInput,
  encodePing,
  encodeResize,
  MAX_INPUT_BYTES,
  Op,
  PROTOCOL,
  serverMessageSchema,
  type Hello,
  type ServerMessage,
} from '@/lab-server/protocol/terminal';

/** The terminal as the socket sees it. Implemented over xterm by xterm-host.ts. */
export interface TerminalSink {
  readonly cols: number;
  readonly rows: number;
  /** Queue bytes for parsing; `parsed` runs once they are parsed (xterm's write callback). May run synchronously. */
  write(data: Uint8Array, parsed: () => void): void;
  /**
   * Replace the whole screen with a server snapshot: after anything still queued, reset, resize to
   * cols×rows, write `screen`, then fit to the container. `done` runs after the fit.
   */
  restore(snapshot: { cols: number; rows: number; screen: string }, done: () => void): void;
  /** Forget the screen (a brand-new shell in this pane). */
  clear(): void;
  /** Take this size (a viewer follows the owner's terminal size instead of fitting its box). */
  resize?(cols: number, rows: number): void;
}

/** The minimal WebSocket surface used here (the browser's WebSocket satisfies it). */
export interface SocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  readonly protocol: string;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, protocol: string) => SocketLike;

export type ConnectionState =
  | { kind: 'idle' }
  /** First connection of this pane (nothing on screen yet from the server). */
  | { kind: 'connecting' }
  | { kind: 'ready'; mode: 'new' | 'live' | 'replay' | 'snapshot' }
  /** Lost the connection; retrying. `retryInMs` is 0 while a connection attempt is in flight. */
  | { kind: 'reconnecting'; attempt: number; retryInMs: number; reason: ReconnectReason }
  | { kind: 'exited'; code: number | null }
  /** The same pane was opened in another tab or window. */
  | { kind: 'superseded' }
  /** The workspace or session is gone (4004/4410). The lab header knows why. */
  | { kind: 'ended'; code: number }
  /** Stopped for a reason a retry will not fix by itself; `message` says what to do. */
  | { kind: 'failed'; code: number; message: string }
  | { kind: 'disposed' };

export type ReconnectReason = 'network' | 'heartbeat' | 'engine-down' | 'try-again' | 'unauthorized' | 'server-error';

export interface LabSocketEvents {
  state: ConnectionState;
  /** Round-trip time of the last PING, in ms. */
  latency: number;
  /** A `{t:'error'}` message from the server, to show in the pane. */
  notice: { code: string; message: string };
}

export interface LabSocketOptions {
  url: string;
  paneId: string;
  sink: TerminalSink;
  /** Defaults to the browser WebSocket. */
  createSocket?: SocketFactory;
  /** Called on close 4001 (no learner cookie): create the session, resolve when it is ready. */
  authorize?: () => Promise<void>;
  /**
   * Attach read-only (an instructor shadowing a learner): the Hello says `viewer: true`, and this
   * side never sends input or resizes, so nothing typed here could reach the learner's shell.
   */
  viewer?: boolean;
  /** Called on 4004/4410 so the owner can refresh the session state. */
  onGone?: (code: number) => void;
  /** For tests. */
  now?: () => number;
  random?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

export const ACK_CHUNK = 32 * 1024;
export const PING_INTERVAL_MS = 10_000;
export const PONG_TIMEOUT_MS = 5_000;
export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 8_000;
/** Our own close code when we give up on a link (dead heartbeat, reconnect()); 4000–4999 are application codes. */
const CLIENT_DROP_CLOSE = 4999;
/** A connection that stayed up this long resets the backoff. */
export const STABLE_MS = 5_000;

/** 250 ms, 0.5, 1, 2, 4, then 8 s forever; ±20 % jitter. `attempt` counts from 0. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** ws:// or wss:// on the page's own origin. */
export function terminalUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/lab/terminal`;
}

/** The read-only shadow of a learner's terminal, for the instructor console (protocol/workshop.ts). */
export function shadowUrl(location: Pick<Location, 'protocol' | 'host'>, workshop: string, seat: string): string {
  const query = new URLSearchParams({ workshop, seat });
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/lab/shadow?${query}`;
}

/** `onBinary` gives one char per byte. */
export function binaryStringToBytes(data: string): Uint8Array {
  const bytes = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i) & 0xff;
  return bytes;
}

/** Splits input into frames of at most MAX_INPUT_BYTES (UTF-8 may split mid-character: the PTY gets the same byte stream). */
export function chunkInput(bytes: Uint8Array, max = MAX_INPUT_BYTES): Uint8Array[] {
  if (bytes.byteLength <= max) return [bytes];
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += max) chunks.push(bytes.subarray(offset, offset + max));
  return chunks;
}

const FAILURE_MESSAGES: Record<number, string> = {
  [Close.originRefused]:
    'The lab server refused this page’s origin. Open the guide at the address the lab server was configured with (its public URL), not through another host name or proxy.',
  [Close.tooMany]:
    'Too many terminals are open for your lab (in this tab and others). Close a terminal or another tab, then try again.',
  [Close.policy]: 'The lab server refused the connection (policy).',
  [Close.tooBig]: 'The lab server refused a message that was too large.',
  [Close.badFrame]: 'The lab server did not understand this browser’s messages. Reload the page.',
};

interface Connection {
  ws: SocketLike;
  /** Bytes parsed by the terminal and not yet acked on this connection. */
  pendingAck: number;
  /** Writes handed to the terminal on this connection whose callback has not run. */
  outstanding: number;
  ready: boolean;
  /** After `ready` with mode snapshot, until the SNAPSHOT frame arrives. */
  awaitingSnapshot: boolean;
  openedAt: number;
  pingTimer: unknown;
  pongTimers: Set<unknown>;
  lastPongAt: number;
  missedPongs: number;
}

type Listener<T> = (value: T) => void;

export class LabSocket {
  private readonly options: LabSocketOptions;
  private readonly createSocket: SocketFactory;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly listeners: { [K in keyof LabSocketEvents]: Set<Listener<LabSocketEvents[K]>> } = {
    state: new Set(),
    latency: new Set(),
    notice: new Set(),
  };
  private readonly encoder = new TextEncoder();

  private conn: Connection | undefined;
  private retryTimer: unknown;
  private attempt = 0;
  /** Consecutive 1013 closes: the first reconnects at once, later ones back off. */
  private tryAgainStreak = 0;
  private authorizing = false;
  private unauthorizedStreak = 0;
  private _state: ConnectionState = { kind: 'idle' };
  /** Bytes of OUTPUT handed to the terminal since `ready.seq`; null when the terminal has no server state. */
  private _seq: number | null = null;
  /** The size the server last knew (ready, or our last RESIZE). */
  private serverSize: { cols: number; rows: number } | undefined;
  private _latency: number | undefined;

  constructor(options: LabSocketOptions) {
    this.options = options;
    this.createSocket = options.createSocket ?? ((url, protocol) => new WebSocket(url, protocol));
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimeout ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** Output bytes this terminal has been handed (what `lastSeq` will be), or null. */
  get seq(): number | null {
    return this._seq;
  }

  get latency(): number | undefined {
    return this._latency;
  }

  get isReady(): boolean {
    return this._state.kind === 'ready';
  }

  on<K extends keyof LabSocketEvents>(event: K, listener: Listener<LabSocketEvents[K]>): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /** Opens the first connection. */
  connect(): void {
    if (this._state.kind !== 'idle') return;
    this.setState({ kind: 'connecting' });
    this.open();
  }

  /**
   * The network changed or the tab became visible: reconnect now if waiting for a retry; if
   * connected, probe with a PING and reconnect if it gets no PONG within 5 s (a socket can look
   * open for a long time after the network is gone).
   */
  nudge(): void {
    if (this._state.kind === 'reconnecting' && this.retryTimer !== undefined) {
      this.clearTimer(this.retryTimer);
      this.retryTimer = undefined;
      this.open();
    } else if (this._state.kind === 'ready') {
      this.ping(true);
    }
  }

  /** Drops the current connection as a network failure would, and reconnects (replaying from lastSeq). */
  reconnect(): void {
    if (this._state.kind !== 'ready' && this._state.kind !== 'connecting' && this._state.kind !== 'reconnecting') return;
    this.dropConnection(CLIENT_DROP_CLOSE, 'reconnecting');
    this.scheduleReconnect('network');
  }

  /** After "superseded": take the pane back in this tab (the other tab gets superseded). */
  takeOver(): void {
    if (this._state.kind !== 'superseded' && this._state.kind !== 'failed' && this._state.kind !== 'ended') return;
    this.attempt = 0;
    this.setState({ kind: 'reconnecting', attempt: 0, retryInMs: 0, reason: 'network' });
    this.open();
  }

  /** A fresh shell (after exit, or a workspace reset): the screen is cleared and lastSeq is null. */
  restart(): void {
    if (this._state.kind === 'disposed') return;
    this.dropConnection();
    this.cancelRetry();
    this.options.sink.clear();
    this._seq = null;
    this.attempt = 0;
    this.setState({ kind: 'connecting' });
    this.open();
  }

  /** Typed or pasted text (xterm onData). Dropped unless connected: typing blind into a dead link helps nobody. */
  sendText(text: string): boolean {
    return this.sendInput(this.encoder.encode(text));
  }

  /** xterm onBinary (legacy mouse reports): one char per byte. */
  sendBinary(data: string): boolean {
    return this.sendInput(binaryStringToBytes(data));
  }

  sendInput(bytes: Uint8Array): boolean {
    const conn = this.conn;
    if (!conn?.ready || bytes.byteLength === 0 || this.options.viewer) return false;
    for (const chunk of chunkInput(bytes)) conn.ws.send(encodeInput(chunk));
    return true;
  }

  /** The terminal's size changed (after fit). Sent only when connected and different from what the server has. */
  resize(cols: number, rows: number): void {
    const conn = this.conn;
    if (!conn?.ready || conn.awaitingSnapshot || this.options.viewer) return;
    if (this.serverSize && this.serverSize.cols === cols && this.serverSize.rows === rows) return;
    this.serverSize = { cols, rows };
    conn.ws.send(encodeResize(cols, rows));
  }

  /** Closes for good (pane closed or unmounted). */
  dispose(): void {
    this.dropConnection(1000, 'pane closed');
    this.cancelRetry();
    this.setState({ kind: 'disposed' });
    for (const set of Object.values(this.listeners)) set.clear();
  }

  // ---------- connection ----------

  private open(): void {
    this.dropConnection();
    let ws: SocketLike;
    try {
      ws = this.createSocket(this.options.url, PROTOCOL);
    } catch {
      this.scheduleReconnect('network');
      return;
    }
    ws.binaryType = 'arraybuffer';
    const conn: Connection = {
      ws,
      pendingAck: 0,
      outstanding: 0,
      ready: false,
      awaitingSnapshot: false,
      openedAt: this.now(),
      pingTimer: undefined,
      pongTimers: new Set(),
      lastPongAt: -Infinity,
      missedPongs: 0,
    };
    this.conn = conn;
    ws.onopen = () => {
      if (this.conn !== conn) return;
      const { cols, rows } = this.options.sink;
      const hello: Hello = { t: 'hello', v: 1, paneId: this.options.paneId, lastSeq: this._seq, cols, rows };
      if (this.options.viewer) hello.viewer = true;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => {
      if (this.conn !== conn) return;
      if (typeof event.data === 'string') this.onText(conn, event.data);
      else if (event.data instanceof ArrayBuffer) this.onBinaryFrame(conn, new Uint8Array(event.data));
    };
    ws.onerror = () => {
      // A close event always follows; it decides what to do.
    };
    ws.onclose = (event) => {
      if (this.conn !== conn) return;
      this.onClose(conn, event.code, event.reason);
    };
  }

  /** Forget the current socket without reacting to its close. */
  private dropConnection(code = 1000, reason = 'reconnecting'): void {
    const conn = this.conn;
    if (!conn) return;
    this.conn = undefined;
    this.stopHeartbeat(conn);
    conn.ws.onopen = conn.ws.onmessage = conn.ws.onclose = conn.ws.onerror = null;
    try {
      if (conn.ws.readyState === 0 || conn.ws.readyState === 1) conn.ws.close(code, reason);
    } catch {
      // already closing
    }
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) this.clearTimer(this.retryTimer);
    this.retryTimer = undefined;
  }

  private scheduleReconnect(reason: ReconnectReason, immediate = false): void {
    this.cancelRetry();
    const delay = immediate ? 0 : backoffDelay(this.attempt, this.random);
    const attempt = this.attempt;
    this.attempt += 1;
    this.setState({ kind: 'reconnecting', attempt, retryInMs: delay, reason });
    if (delay === 0) {
      this.open();
      return;
    }
    this.retryTimer = this.setTimer(() => {
      this.retryTimer = undefined;
      this.setState({ kind: 'reconnecting', attempt, retryInMs: 0, reason });
      this.open();
    }, delay);
  }

  private onClose(conn: Connection, code: number, reason: string): void {
    this.conn = undefined;
    this.stopHeartbeat(conn);
    if (conn.ready && this.now() - conn.openedAt >= STABLE_MS) this.attempt = 0;
    if (code !== Close.tryAgain) this.tryAgainStreak = 0;
    if (code !== Close.unauthorized) this.unauthorizedStreak = 0;
    const state = this._state.kind;
    if (state === 'exited' || state === 'disposed') return;

    switch (code) {
      case Close.superseded:
        this.setState({ kind: 'superseded' });
        return;
      case Close.unauthorized:
        this.onUnauthorized();
        return;
      case Close.notFound:
      case Close.ended:
        this.setState({ kind: 'ended', code });
        this.options.onGone?.(code);
        return;
      case Close.originRefused:
      case Close.tooMany:
      case Close.policy:
      case Close.tooBig:
      case Close.badFrame:
        this.setState({ kind: 'failed', code, message: reason ? `${FAILURE_MESSAGES[code]} (${reason})` : FAILURE_MESSAGES[code]! });
        return;
      case Close.engineDown:
        this.scheduleReconnect('engine-down');
        return;
      case Close.tryAgain:
        this.tryAgainStreak += 1;
        this.scheduleReconnect('try-again', this.tryAgainStreak <= 2);
        return;
      default:
        this.scheduleReconnect(code === 1011 ? 'server-error' : 'network');
    }
  }

  private onUnauthorized(): void {
    this.unauthorizedStreak += 1;
    const authorize = this.options.authorize;
    if (!authorize || this.unauthorizedStreak > 3) {
      this.setState({
        kind: 'failed',
        code: Close.unauthorized,
        message: 'The lab server did not recognise this browser. Check that cookies are allowed for this site, then reload.',
      });
      return;
    }
    if (this.authorizing) return;
    this.authorizing = true;
    this.setState({ kind: 'reconnecting', attempt: this.attempt, retryInMs: 0, reason: 'unauthorized' });
    authorize().then(
      () => {
        this.authorizing = false;
        if (this._state.kind !== 'reconnecting') return;
        this.scheduleReconnect('unauthorized', this.unauthorizedStreak <= 1);
      },
      () => {
        this.authorizing = false;
        if (this._state.kind !== 'reconnecting') return;
        this.scheduleReconnect('unauthorized');
      },
    );
  }

  // ---------- messages ----------

  private onText(conn: Connection, text: string): void {
    let message: ServerMessage;
    try {
      const parsed = serverMessageSchema.safeParse(JSON.parse(text));
      if (!parsed.success) return;
      message = parsed.data;
    } catch {
      return;
    }
    switch (message.t) {
      case 'ready':
        this.onReady(conn, message);
        return;
      case 'exit':
        this.onExit(conn, message.code);
        return;
      case 'error':
        this.emit('notice', { code: message.code, message: message.message });
        return;
      case 'resized':
        // Only viewers care; the owner's size is the pane's size. A viewer draws the owner's
        // screen at the owner's size, or lines wrap and full-screen programs tear.
        if (this.options.viewer) this.options.sink.resize?.(message.cols, message.rows);
        return;
    }
  }

  private onReady(conn: Connection, message: Extract<ServerMessage, { t: 'ready' }>): void {
    conn.ready = true;
    conn.awaitingSnapshot = message.mode === 'snapshot';
    this.unauthorizedStreak = 0;
    this.tryAgainStreak = 0;
    const hadScreen = this._seq !== null;
    this._seq = message.seq;
    this.serverSize = { cols: message.cols, rows: message.rows };
    if (this.options.viewer) this.options.sink.resize?.(message.cols, message.rows);
    if (message.mode === 'new' && hadScreen) {
      // A different shell now answers this pane (the old one exited or the server restarted).
      this.options.sink.clear();
    }
    this.startHeartbeat(conn);
    this.setState({ kind: 'ready', mode: message.mode });
    if (!conn.awaitingSnapshot) this.syncSize();
  }

  private onExit(conn: Connection, code: number | null): void {
    this.flushAck(conn);
    this.stopHeartbeat(conn);
    this.setState({ kind: 'exited', code });
    // The server closes (1000) next; nothing to reconnect.
    this.conn = undefined;
    conn.ws.onclose = conn.ws.onmessage = null;
    try {
      conn.ws.close(1000, 'shell exited');
    } catch {
      // already closing
    }
  }

  private onBinaryFrame(conn: Connection, frame: Uint8Array): void {
    if (frame.byteLength === 0) return;
    if (frame[0] === Op.output) {
      if (!conn.ready) return;
      this.writeOutput(conn, frame.subarray(1));
      return;
    }
    let decoded;
    try {
      decoded = decodeServerFrame(frame);
    } catch {
      return;
    }
    if (decoded.op === Op.snapshot) {
      if (!conn.ready) return;
      this._seq = decoded.seq;
      this.options.sink.restore({ cols: decoded.cols, rows: decoded.rows, screen: decoded.screen }, () => {
        if (this.conn !== conn) return;
        conn.awaitingSnapshot = false;
        this.serverSize = { cols: decoded.cols, rows: decoded.rows };
        this.syncSize();
      });
    } else if (decoded.op === Op.pong) {
      conn.lastPongAt = this.now();
      conn.missedPongs = 0;
      this._latency = Math.max(0, Math.round(this.now() - decoded.clientTs));
      this.emit('latency', this._latency);
    }
  }

  private writeOutput(conn: Connection, data: Uint8Array): void {
    const length = data.byteLength;
    if (length === 0) return;
    this._seq = (this._seq ?? 0) + length;
    conn.outstanding += 1;
    this.options.sink.write(data, () => {
      if (this.conn !== conn) return; // an older connection: its acks mean nothing to the new one
      conn.outstanding -= 1;
      conn.pendingAck += length;
      if (conn.pendingAck >= ACK_CHUNK || conn.outstanding === 0) this.flushAck(conn);
    });
  }

  private flushAck(conn: Connection): void {
    if (conn.pendingAck <= 0) return;
    const bytes = conn.pendingAck;
    conn.pendingAck = 0;
    if (conn.ws.readyState === 1) conn.ws.send(encodeAck(bytes));
  }

  /** After ready (or a restored snapshot): the server's size may differ from this terminal's. */
  private syncSize(): void {
    const { cols, rows } = this.options.sink;
    if (cols > 0 && rows > 0) this.resize(cols, rows);
  }

  // ---------- heartbeat ----------

  private startHeartbeat(conn: Connection): void {
    this.stopHeartbeat(conn);
    conn.lastPongAt = -Infinity;
    conn.missedPongs = 0;
    const loop = () => {
      if (this.conn !== conn) return;
      this.ping();
      conn.pingTimer = this.setTimer(loop, PING_INTERVAL_MS);
    };
    loop();
  }

  private stopHeartbeat(conn: Connection): void {
    if (conn.pingTimer !== undefined) this.clearTimer(conn.pingTimer);
    conn.pingTimer = undefined;
    for (const timer of conn.pongTimers) this.clearTimer(timer);
    conn.pongTimers.clear();
  }

  private ping(probe = false): void {
    const conn = this.conn;
    if (!conn?.ready || conn.ws.readyState !== 1) return;
    const sentAt = this.now();
    conn.ws.send(encodePing(sentAt));
    const timer = this.setTimer(() => {
      conn.pongTimers.delete(timer);
      if (this.conn !== conn) return;
      if (conn.lastPongAt >= sentAt) return;
      conn.missedPongs += 1;
      if (conn.missedPongs >= 2 || probe) {
        // The link is dead even if the browser has not noticed: do not wait for its close handshake.
        this.dropConnection(CLIENT_DROP_CLOSE, 'heartbeat timeout');
        this.scheduleReconnect('heartbeat', true);
      }
    }, PONG_TIMEOUT_MS);
    conn.pongTimers.add(timer);
  }

  // ---------- events ----------

  private setState(state: ConnectionState): void {
    this._state = state;
    this.emit('state', state);
  }

  private emit<K extends keyof LabSocketEvents>(event: K, value: LabSocketEvents[K]): void {
    for (const listener of this.listeners[event]) listener(value);
  }
}
