import { WebSocket } from 'ws';
import { decodeServerFrame, encodeAck, encodeInput, encodePing, encodeResize, Op, PROTOCOL, serverMessageSchema, type ServerMessage } from '../protocol/terminal';

/**
 * A terminal client for tests and benchmarks: speaks the same protocol as the browser
 * (hello, binary frames, acks) and collects the output as text.
 */
export class TermClient {
  readonly ws: WebSocket;
  output = '';
  bytes = 0;
  seq = 0;
  ready: Extract<ServerMessage, { t: 'ready' }> | undefined;
  snapshot: string | undefined;
  messages: ServerMessage[] = [];
  closed: { code: number; reason: string } | undefined;
  autoAck = true;
  /** Keep only this many characters of output (benchmarks keep little, so they measure the server, not this client). */
  maxOutputChars = Number.POSITIVE_INFINITY;
  private readonly decoder = new TextDecoder();
  private waiters: Array<() => void> = [];

  constructor(baseUrl: string, cookie: string | undefined, options: { origin?: string; protocol?: string; path?: string } = {}) {
    const url = baseUrl.replace(/^http/, 'ws') + (options.path ?? '/api/lab/terminal');
    this.ws = new WebSocket(url, options.protocol ?? PROTOCOL, { headers: { ...(cookie ? { cookie } : {}), ...(options.origin ? { origin: options.origin } : {}) } });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) {
        const message = serverMessageSchema.parse(JSON.parse(data.toString('utf8')));
        this.messages.push(message);
        if (message.t === 'ready') {
          this.ready = message;
          this.seq = message.seq;
        }
      } else {
        const frame = decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        if (frame.op === Op.output) {
          this.output += this.decoder.decode(frame.data, { stream: true });
          if (this.output.length > this.maxOutputChars) this.output = this.output.slice(-this.maxOutputChars);
          this.bytes += frame.data.byteLength;
          this.seq += frame.data.byteLength;
          if (this.autoAck) this.ws.send(encodeAck(frame.data.byteLength));
        } else if (frame.op === Op.snapshot) {
          this.snapshot = frame.screen;
          this.seq = frame.seq;
        }
      }
      this.notify();
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
    this.ws.on('error', () => undefined);
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when `predicate` holds, checking after every message; rejects after timeoutMs. */
  async until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; output tail: ${JSON.stringify(this.output.slice(-300))}; closed: ${JSON.stringify(this.closed)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async open(): Promise<void> {
    if (this.ws.readyState === this.ws.OPEN) return;
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('close', (code) => reject(new Error(`closed with ${code} before open`)));
      this.ws.once('error', reject);
    });
  }

  async hello(paneId: string, lastSeq: number | null, cols = 100, rows = 30, options: { viewer?: boolean } = {}): Promise<void> {
    await this.open();
    this.ws.send(JSON.stringify({ t: 'hello', v: 1, paneId, lastSeq, cols, rows, ...(options.viewer ? { viewer: true } : {}) }));
    await this.until(() => this.ready !== undefined || this.closed !== undefined, 15_000, 'ready');
    if (!this.ready) throw new Error(`terminal refused: ${JSON.stringify(this.closed)} ${JSON.stringify(this.messages)}`);
  }

  type(text: string): void {
    this.ws.send(encodeInput(new TextEncoder().encode(text)));
  }

  resize(cols: number, rows: number): void {
    this.ws.send(encodeResize(cols, rows));
  }

  ping(): void {
    this.ws.send(encodePing(performance.now()));
  }

  /** Types a command and waits for a marker it prints, so output of earlier commands cannot match. */
  async run(command: string, timeoutMs = 10_000): Promise<string> {
    const marker = `__done_${Math.random().toString(36).slice(2)}__`;
    const start = this.output.length;
    this.type(`${command}; echo ${marker.slice(0, 6)}''${marker.slice(6)}\r`);
    await this.until(() => this.output.indexOf(marker, start) >= 0, timeoutMs, `output of ${command}`);
    const text = this.output.slice(start, this.output.indexOf(marker, start));
    return text;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** Starts a lab session over HTTP and waits until the workspace is ready; returns the cookie. */
export async function startSession(baseUrl: string, cookie?: string, timeoutMs = 60_000): Promise<string> {
  const res = await fetch(`${baseUrl}/api/lab/session`, { method: 'POST', headers: cookie ? { cookie } : {} });
  if (!res.ok) throw new Error(`POST /api/lab/session answered ${res.status}: ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie');
  const jar = cookie ?? setCookie?.split(';')[0];
  if (!jar) throw new Error('no session cookie');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await (await fetch(`${baseUrl}/api/lab/session`, { headers: { cookie: jar } })).json()) as { state: string; message?: string };
    if (status.state === 'ready') return jar;
    if (status.state === 'error' || status.state === 'ended') throw new Error(`session ${status.state}: ${status.message}`);
    if (Date.now() > deadline) throw new Error(`session still ${status.state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
