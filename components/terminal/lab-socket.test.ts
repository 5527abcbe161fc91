import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Close,
  decodeClientFrame,
  encodePong,
  encodeSnapshot,
  MAX_INPUT_BYTES,
  Op,
  PROTOCOL,
  type ClientFrame,
  type Hello,
} from '@/lab-server/protocol/terminal';
import {
  ACK_CHUNK,
  backoffDelay,
  binaryStringToBytes,
  chunkInput,
  LabSocket,
  PING_INTERVAL_MS,
  PONG_TIMEOUT_MS,
  shadowUrl,
  terminalUrl,
  type ConnectionState,
  type SocketLike,
  type TerminalSink,
} from './lab-socket';

class FakeSocket implements SocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  protocol = '';
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  sent: (string | Uint8Array)[] = [];
  closedWith: { code?: number; reason?: string } | undefined;

  constructor(
    readonly url: string,
    readonly requestedProtocol: string,
  ) {}

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (this.readyState !== 1) throw new Error('send while not open');
    this.sent.push(typeof data === 'string' ? data : new Uint8Array(ArrayBuffer.isView(data) ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data));
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 2;
  }

  // ---- server side ----
  open(): void {
    this.readyState = 1;
    this.protocol = this.requestedProtocol;
    this.onopen?.(new Event('open'));
  }

  text(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }

  binary(frame: Uint8Array): void {
    const copy = frame.slice();
    this.onmessage?.({ data: copy.buffer } as MessageEvent);
  }

  output(bytes: Uint8Array | string): void {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    const frame = new Uint8Array(data.byteLength + 1);
    frame[0] = Op.output;
    frame.set(data, 1);
    this.binary(frame);
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }

  hello(): Hello {
    return JSON.parse(this.sent[0] as string) as Hello;
  }

  frames(): ClientFrame[] {
    return this.sent.filter((s): s is Uint8Array => typeof s !== 'string').map((s) => decodeClientFrame(s));
  }

  acks(): number[] {
    return this.frames().flatMap((f) => (f.op === Op.ack ? [f.bytes] : []));
  }
}

class FakeSink implements TerminalSink {
  cols = 80;
  rows = 24;
  resize?: (cols: number, rows: number) => void;
  written: Uint8Array[] = [];
  private pending: (() => void)[] = [];
  restored: { cols: number; rows: number; screen: string }[] = [];
  cleared = 0;
  /** Parse synchronously (xterm does right after user input). */
  sync = false;
  /** Size after the fit that follows a restore. */
  fitTo: { cols: number; rows: number } | undefined;

  write(data: Uint8Array, parsed: () => void): void {
    this.written.push(data.slice());
    if (this.sync) parsed();
    else this.pending.push(parsed);
  }

  parse(count = Infinity): void {
    while (count-- > 0 && this.pending.length > 0) this.pending.shift()!();
  }

  restore(snapshot: { cols: number; rows: number; screen: string }, done: () => void): void {
    this.restored.push(snapshot);
    this.cols = snapshot.cols;
    this.rows = snapshot.rows;
    this.pending.push(() => {
      if (this.fitTo) Object.assign(this, this.fitTo);
      done();
    });
  }

  clear(): void {
    this.cleared += 1;
    this.written = [];
  }

  text(): string {
    return new TextDecoder().decode(Buffer.concat(this.written));
  }
}

function setup(options: { authorize?: () => Promise<void>; onGone?: (code: number) => void; viewer?: boolean } = {}) {
  const sockets: FakeSocket[] = [];
  const sink = new FakeSink();
  const states: ConnectionState[] = [];
  const socket = new LabSocket({
    url: 'ws://lab.test/api/lab/terminal',
    paneId: '1',
    sink,
    createSocket: (url, protocol) => {
      const ws = new FakeSocket(url, protocol);
      sockets.push(ws);
      return ws;
    },
    random: () => 0.5,
    now: () => Date.now(),
    ...options,
  });
  socket.on('state', (state) => states.push(state));
  const last = () => sockets[sockets.length - 1]!;
  /** Open the newest socket and answer its hello with ready. */
  const ready = (seq = 0, mode: 'new' | 'replay' | 'snapshot' | 'live' = 'new', size = { cols: 80, rows: 24 }) => {
    const ws = last();
    ws.open();
    ws.text({ t: 'ready', paneId: '1', seq, mode, ...size });
    return ws;
  };
  return { socket, sockets, sink, states, last, ready };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('helpers', () => {
  it('backs off 250 ms, 0.5, 1, 2, 4, then 8 s, with ±20 % jitter', () => {
    const mid = (attempt: number) => backoffDelay(attempt, () => 0.5);
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(mid)).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoffDelay(0, () => 0)).toBe(200);
    expect(backoffDelay(0, () => 1)).toBe(300);
    expect(backoffDelay(9, () => 1)).toBe(9600);
  });

  it('builds the shadow URL with the workshop and seat in the query', () => {
    expect(shadowUrl({ protocol: 'https:', host: 'lab.example' }, 'a1b2c3d4e5f60718', '0123456789ab')).toBe(
      'wss://lab.example/api/lab/shadow?workshop=a1b2c3d4e5f60718&seat=0123456789ab',
    );
  });

  it('builds the socket URL from the page origin', () => {
    expect(terminalUrl({ protocol: 'http:', host: 'localhost:3117' })).toBe('ws://localhost:3117/api/lab/terminal');
    expect(terminalUrl({ protocol: 'https:', host: 'lab.example' })).toBe('wss://lab.example/api/lab/terminal');
  });

  it('turns onBinary strings into bytes and chunks large input', () => {
    expect([...binaryStringToBytes('\x1b[M\xff\x80')]).toEqual([0x1b, 0x5b, 0x4d, 0xff, 0x80]);
    const big = new Uint8Array(MAX_INPUT_BYTES * 2 + 10);
    expect(chunkInput(big).map((c) => c.byteLength)).toEqual([MAX_INPUT_BYTES, MAX_INPUT_BYTES, 10]);
    expect(chunkInput(new Uint8Array(3))).toHaveLength(1);
  });
});

describe('handshake', () => {
  it('opens with the subprotocol and arraybuffer frames, then sends a hello with the size and no lastSeq', () => {
    const { socket, last, states } = setup();
    socket.connect();
    const ws = last();
    expect(ws.url).toBe('ws://lab.test/api/lab/terminal');
    expect(ws.requestedProtocol).toBe(PROTOCOL);
    expect(ws.binaryType).toBe('arraybuffer');
    ws.open();
    expect(ws.hello()).toEqual({ t: 'hello', v: 1, paneId: '1', lastSeq: null, cols: 80, rows: 24 });
    expect(states.map((s) => s.kind)).toEqual(['connecting']);
    ws.text({ t: 'ready', paneId: '1', seq: 0, cols: 80, rows: 24, mode: 'new' });
    expect(socket.state).toEqual({ kind: 'ready', mode: 'new' });
  });

  it('tracks seq from ready.seq plus every OUTPUT payload', () => {
    const { socket, ready, sink } = setup();
    socket.connect();
    const ws = ready(1000, 'replay');
    expect(socket.seq).toBe(1000);
    ws.output('héllo');
    ws.output(new Uint8Array([0xe2, 0x82]));
    ws.output(new Uint8Array([0xac]));
    expect(socket.seq).toBe(1000 + 6 + 3);
    // Raw bytes reach the terminal untouched, split multibyte characters included.
    expect(sink.text()).toBe('héllo€');
  });

  it('ignores output before ready and malformed text', () => {
    const { socket, last, sink } = setup();
    socket.connect();
    const ws = last();
    ws.open();
    ws.output('early');
    ws.onmessage?.({ data: '{nope' } as MessageEvent);
    ws.text({ t: 'what' });
    expect(sink.written).toHaveLength(0);
    expect(socket.state.kind).toBe('connecting');
  });

  it('restores a snapshot: reset at its size, then fit, then RESIZE to the fitted size', () => {
    const { socket, ready, sink } = setup();
    sink.fitTo = { cols: 120, rows: 40 };
    socket.connect();
    const ws = ready(5000, 'snapshot', { cols: 100, rows: 30 });
    // No resize before the snapshot is on screen.
    expect(ws.frames().filter((f) => f.op === Op.resize)).toHaveLength(0);
    ws.binary(encodeSnapshot(5000, 100, 30, '\x1b[1mscreen'));
    expect(sink.restored).toEqual([{ cols: 100, rows: 30, screen: '\x1b[1mscreen' }]);
    ws.output('after');
    expect(socket.seq).toBe(5005);
    sink.parse();
    expect(ws.frames().filter((f) => f.op === Op.resize)).toEqual([{ op: Op.resize, cols: 120, rows: 40 }]);
    // Snapshot bytes are not acked (the server does not count them); OUTPUT after it is.
    expect(ws.acks()).toEqual([5]);
  });

  it('sends RESIZE after a replay when the terminal size changed while away', () => {
    const { socket, ready, sink } = setup();
    sink.cols = 100;
    socket.connect();
    const ws = ready(0, 'replay', { cols: 80, rows: 24 });
    expect(ws.frames().filter((f) => f.op === Op.resize)).toEqual([{ op: Op.resize, cols: 100, rows: 24 }]);
  });

  it('clears the screen when a new shell answers a pane that had one', () => {
    const { socket, ready, sink, last } = setup();
    socket.connect();
    ready(0, 'new').output('old');
    last().serverClose(1006);
    vi.advanceTimersByTime(300);
    ready(0, 'new');
    expect(sink.cleared).toBe(1);
  });
});

describe('input and resize', () => {
  it('encodes typed text as UTF-8 INPUT frames and chunks big pastes', () => {
    const { socket, ready } = setup();
    socket.connect();
    const ws = ready();
    expect(socket.sendText('ls é\r')).toBe(true);
    socket.sendText('x'.repeat(MAX_INPUT_BYTES + 1));
    const inputs = ws.frames().filter((f) => f.op === Op.input);
    expect(new TextDecoder().decode(inputs[0]!.data)).toBe('ls é\r');
    expect(inputs.slice(1).map((f) => f.data.byteLength)).toEqual([MAX_INPUT_BYTES, 1]);
  });

  it('sends onBinary data byte for byte', () => {
    const { socket, ready } = setup();
    socket.connect();
    const ws = ready();
    socket.sendBinary('\x1b[M \xc8\xa1');
    const input = ws.frames().find((f) => f.op === Op.input);
    expect(input && [...input.data]).toEqual([0x1b, 0x5b, 0x4d, 0x20, 0xc8, 0xa1]);
  });

  it('drops input while not connected', () => {
    const { socket, last } = setup();
    socket.connect();
    expect(socket.sendText('lost')).toBe(false);
    last().open();
    expect(socket.sendText('lost')).toBe(false);
  });

  it('sends RESIZE only when the size changes', () => {
    const { socket, ready } = setup();
    socket.connect();
    const ws = ready();
    socket.resize(80, 24);
    socket.resize(100, 30);
    socket.resize(100, 30);
    socket.resize(90, 30);
    expect(ws.frames().filter((f) => f.op === Op.resize)).toEqual([
      { op: Op.resize, cols: 100, rows: 30 },
      { op: Op.resize, cols: 90, rows: 30 },
    ]);
  });
});

describe('flow control', () => {
  it('acks parsed bytes in 32 KiB steps and flushes the rest when the write queue drains', () => {
    const { socket, ready, sink } = setup();
    socket.connect();
    const ws = ready();
    const chunk = new Uint8Array(10 * 1024);
    for (let i = 0; i < 7; i++) ws.output(chunk);
    expect(ws.acks()).toEqual([]); // nothing parsed yet: nothing acked (ack on parse, not on receipt)
    sink.parse(3);
    expect(ws.acks()).toEqual([]);
    sink.parse(1);
    expect(ws.acks()).toEqual([40 * 1024]);
    sink.parse(2);
    expect(ws.acks()).toEqual([40 * 1024]);
    sink.parse(1); // queue drained: partial ack so the server never waits forever
    expect(ws.acks()).toEqual([40 * 1024, 30 * 1024]);
  });

  it('copes with synchronous write callbacks', () => {
    const { socket, ready, sink } = setup();
    sink.sync = true;
    socket.connect();
    const ws = ready();
    ws.output('a');
    ws.output('bc');
    expect(ws.acks()).toEqual([1, 2]);
  });

  it('acks a big frame in one go', () => {
    const { socket, ready, sink } = setup();
    socket.connect();
    const ws = ready();
    ws.output(new Uint8Array(ACK_CHUNK * 2));
    sink.parse();
    expect(ws.acks()).toEqual([ACK_CHUNK * 2]);
  });

  it('never sends acks of an old connection on a new one', () => {
    const { socket, ready, sink, last } = setup();
    socket.connect();
    const first = ready();
    first.output(new Uint8Array(1000));
    first.serverClose(1006);
    vi.advanceTimersByTime(300);
    const second = ready(1000, 'replay');
    sink.parse();
    expect(first.acks()).toEqual([]);
    expect(second.acks()).toEqual([]);
    second.output(new Uint8Array(10));
    sink.parse();
    expect(last().acks()).toEqual([10]);
  });
});

describe('reconnect', () => {
  it('reconnects with backoff after an abnormal close and asks for a replay from lastSeq', () => {
    const { socket, ready, sockets, states } = setup();
    socket.connect();
    ready(0).output('12345');
    sockets[0]!.serverClose(1006);
    expect(socket.state).toEqual({ kind: 'reconnecting', attempt: 0, retryInMs: 250, reason: 'network' });
    vi.advanceTimersByTime(249);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    expect(sockets[1]!.hello().lastSeq).toBe(5);
    // The failing attempt backs off further.
    sockets[1]!.serverClose(1006);
    expect(states.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 1, retryInMs: 500 });
    vi.advanceTimersByTime(500);
    sockets[2]!.serverClose(1006);
    expect(states.at(-1)).toMatchObject({ attempt: 2, retryInMs: 1000 });
  });

  it('resets the backoff after a connection that stayed up', () => {
    const { socket, ready, last, states } = setup();
    socket.connect();
    ready();
    last().serverClose(1006);
    vi.advanceTimersByTime(250);
    last().serverClose(1006);
    expect(states.at(-1)).toMatchObject({ attempt: 1 });
    vi.advanceTimersByTime(500);
    ready(0, 'replay');
    vi.advanceTimersByTime(6000);
    for (const ws of [last()]) ws.binary(encodePong(0, 0));
    last().serverClose(1006);
    expect(states.at(-1)).toMatchObject({ attempt: 0, retryInMs: 250 });
  });

  it('reconnects at once on 1013 and when nudged (online, tab visible)', () => {
    const { socket, ready, sockets } = setup();
    socket.connect();
    ready();
    sockets[0]!.serverClose(Close.tryAgain);
    expect(sockets).toHaveLength(2);
    sockets[1]!.serverClose(1006);
    expect(sockets).toHaveLength(2);
    socket.nudge();
    expect(sockets).toHaveLength(3);
  });

  it('retries with backoff while the engine is down', () => {
    const { socket, ready, last } = setup();
    socket.connect();
    ready();
    last().serverClose(Close.engineDown);
    expect(socket.state).toMatchObject({ kind: 'reconnecting', reason: 'engine-down', retryInMs: 250 });
  });

  it('stops on superseded and takes the pane back on request, keeping lastSeq', () => {
    const { socket, ready, sockets } = setup();
    socket.connect();
    ready().output('abc');
    sockets[0]!.serverClose(Close.superseded, 'opened elsewhere');
    expect(socket.state).toEqual({ kind: 'superseded' });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    socket.takeOver();
    sockets[1]!.open();
    expect(sockets[1]!.hello().lastSeq).toBe(3);
  });

  it('authorizes on 4001 and retries at once', async () => {
    const authorize = vi.fn(() => Promise.resolve());
    const { socket, last, sockets } = setup({ authorize });
    socket.connect();
    last().open();
    last().serverClose(Close.unauthorized);
    expect(authorize).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(2);
  });

  it('gives up after repeated 4001', async () => {
    const { socket, last } = setup({ authorize: () => Promise.resolve() });
    socket.connect();
    for (let i = 0; i < 4; i++) {
      last().serverClose(Close.unauthorized);
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(socket.state).toMatchObject({ kind: 'failed', code: Close.unauthorized });
  });

  it('reports the end of the session and refused origins without retrying', () => {
    const onGone = vi.fn();
    const ended = setup({ onGone });
    ended.socket.connect();
    ended.ready();
    ended.last().serverClose(Close.ended);
    expect(ended.socket.state).toEqual({ kind: 'ended', code: Close.ended });
    expect(onGone).toHaveBeenCalledWith(Close.ended);

    const refused = setup();
    refused.socket.connect();
    refused.last().serverClose(Close.originRefused);
    expect(refused.socket.state).toMatchObject({ kind: 'failed', code: Close.originRefused });
    expect((refused.socket.state as { message: string }).message).toMatch(/origin/);
    vi.advanceTimersByTime(60_000);
    expect(refused.sockets).toHaveLength(1);
  });

  it('shows exit, does not reconnect, and starts a new shell on restart', () => {
    const { socket, ready, sockets, sink } = setup();
    socket.connect();
    ready().output('bye');
    sockets[0]!.text({ t: 'exit', code: 130 });
    expect(socket.state).toEqual({ kind: 'exited', code: 130 });
    sockets[0]!.serverClose(1000);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    socket.restart();
    expect(sink.cleared).toBe(1);
    sockets[1]!.open();
    expect(sockets[1]!.hello().lastSeq).toBeNull();
  });

  it('passes server error messages on', () => {
    const { socket, last } = setup();
    const notices: unknown[] = [];
    socket.on('notice', (n) => notices.push(n));
    socket.connect();
    last().open();
    last().text({ t: 'error', code: 'image-missing', message: 'The workspace image is missing.' });
    expect(notices).toEqual([{ code: 'image-missing', message: 'The workspace image is missing.' }]);
  });

  it('reconnect() drops the link like a blip and replays from lastSeq', () => {
    const { socket, ready, sockets } = setup();
    socket.connect();
    ready(0).output('abcd');
    socket.reconnect();
    expect(sockets[0]!.closedWith?.code).toBe(4999);
    expect(socket.state).toMatchObject({ kind: 'reconnecting', retryInMs: 250 });
    vi.advanceTimersByTime(250);
    sockets[1]!.open();
    expect(sockets[1]!.hello().lastSeq).toBe(4);
  });

  it('does nothing after dispose', () => {
    const { socket, ready, sockets } = setup();
    socket.connect();
    ready();
    socket.dispose();
    expect(sockets[0]!.closedWith?.code).toBe(1000);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(socket.state.kind).toBe('disposed');
  });
});

describe('heartbeat', () => {
  it('pings every 10 s and reports the round trip', () => {
    const { socket, ready } = setup();
    const latencies: number[] = [];
    socket.on('latency', (ms) => latencies.push(ms));
    socket.connect();
    const ws = ready();
    const pings = () => ws.frames().filter((f): f is Extract<ClientFrame, { op: 0x03 }> => f.op === Op.ping);
    expect(pings()).toHaveLength(1);
    vi.advanceTimersByTime(42);
    ws.binary(encodePong(pings()[0]!.ts, 0));
    expect(latencies).toEqual([42]);
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    expect(pings()).toHaveLength(2);
  });

  it('reconnects when two pings in a row get no pong within 5 s', () => {
    const { socket, ready, sockets } = setup();
    socket.connect();
    ready();
    vi.advanceTimersByTime(PONG_TIMEOUT_MS + 1); // first ping missed
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(PING_INTERVAL_MS); // second ping missed
    expect(sockets).toHaveLength(2);
    expect(sockets[0]!.closedWith?.code).toBe(4999);
    expect(socket.state).toMatchObject({ kind: 'reconnecting', reason: 'heartbeat' });
  });

  it('a nudge while connected probes: one missed pong is enough to reconnect', () => {
    const { socket, ready, sockets } = setup();
    socket.connect();
    const ws = ready();
    const first = ws.frames().find((f) => f.op === Op.ping) as { ts: number };
    ws.binary(encodePong(first.ts, 0));
    vi.advanceTimersByTime(1000);
    socket.nudge();
    expect(ws.frames().filter((f) => f.op === Op.ping)).toHaveLength(2);
    vi.advanceTimersByTime(PONG_TIMEOUT_MS);
    expect(sockets).toHaveLength(2);
    expect(socket.state).toMatchObject({ kind: 'reconnecting', reason: 'heartbeat' });
  });

  it('keeps the connection when pongs arrive', () => {
    const { socket, ready, sockets } = setup();
    socket.connect();
    const ws = ready();
    for (let i = 0; i < 5; i++) {
      const ping = ws.frames().filter((f) => f.op === Op.ping).at(-1) as { ts: number };
      vi.advanceTimersByTime(100);
      ws.binary(encodePong(ping.ts, 0));
      vi.advanceTimersByTime(PING_INTERVAL_MS - 100);
    }
    expect(sockets).toHaveLength(1);
  });
});

describe('viewer (shadowing)', () => {
  it('says viewer in the hello, and never sends input or resizes', () => {
    const { socket, last, ready, sink } = setup({ viewer: true });
    socket.connect();
    const ws = ready();
    expect(ws.hello()).toMatchObject({ t: 'hello', paneId: '1', viewer: true });
    expect(socket.sendText('rm -rf /\r')).toBe(false);
    socket.resize(100, 30);
    expect(last().frames().filter((f) => f.op === Op.input || f.op === Op.resize)).toEqual([]);
    ws.output('learner typed this');
    expect(sink.text()).toContain('learner typed this');
  });

  it('draws at the owner’s size: from ready, then from every resized', () => {
    const { socket, ready, sink } = setup({ viewer: true });
    const sizes: [number, number][] = [];
    sink.resize = (cols, rows) => void sizes.push([cols, rows]);
    socket.connect();
    const ws = ready(0, 'snapshot', { cols: 161, rows: 17 });
    ws.text({ t: 'resized', cols: 120, rows: 40 });
    expect(sizes).toEqual([
      [161, 17],
      [120, 40],
    ]);
  });

  it('an owner ignores resized and is never resized by the server', () => {
    const { socket, ready, sink } = setup();
    const sizes: [number, number][] = [];
    sink.resize = (cols, rows) => void sizes.push([cols, rows]);
    socket.connect();
    ready().text({ t: 'resized', cols: 120, rows: 40 });
    expect(sizes).toEqual([]);
  });

  it('an owner hello carries no viewer field', () => {
    const { socket, ready } = setup();
    socket.connect();
    expect(ready().hello()).not.toHaveProperty('viewer');
  });
});
