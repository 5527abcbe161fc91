import { WebSocket } from 'ws';
import { LabSocket, type ConnectionState, type SocketLike, type TerminalSink } from '../../components/terminal/lab-socket';
import { startSession, TermClient } from '../testing/term-client';
import { sleep } from './scale';

/**
 * Simulated learners for the chaos suite: each has a session and one connected pane running
 * `cat`, so a keystroke comes straight back. `echoWhile` types into every pane in turn while a
 * fault runs and returns the echo times (the figure the issue bounds: p99 ≤ 50 ms).
 */
export class Learners {
  readonly terms: TermClient[] = [];
  private constructor(
    readonly baseUrl: string,
    readonly cookies: string[],
  ) {}

  static async start(baseUrl: string, count: number): Promise<Learners> {
    const cookies = await Promise.all(Array.from({ length: count }, () => startSession(baseUrl, undefined, 180_000)));
    const learners = new Learners(baseUrl, cookies);
    await learners.connect();
    return learners;
  }

  /** Opens pane 1 for every learner and leaves `cat` running in it. */
  async connect(paneId = '1'): Promise<void> {
    for (const cookie of this.cookies) {
      const term = new TermClient(this.baseUrl, cookie);
      term.maxOutputChars = 4096;
      await term.hello(paneId, null);
      await term.run('true', 30_000);
      term.type('cat\r');
      this.terms.push(term);
    }
    await sleep(300);
  }

  /** One keystroke into one pane, timed until its echo arrives. */
  static async echo(term: TermClient, char: string, timeoutMs = 10_000): Promise<number> {
    const before = term.bytes;
    const started = performance.now();
    term.type(char);
    await term.until(() => term.bytes > before, timeoutMs, 'echo');
    return performance.now() - started;
  }

  /**
   * Round-robin keystrokes over every pane until `done` settles and at least `minMs` have passed,
   * so a short burst is judged over the same window as the no-fault baseline.
   */
  async echoWhile(done: Promise<unknown>, minMs = 0, pauseMs = 20): Promise<number[]> {
    let finished = false;
    void done.finally(() => (finished = true)).catch(() => undefined);
    const samples: number[] = [];
    const started = performance.now();
    for (let round = 0; !finished || round < 3 || performance.now() - started < minMs; round++) {
      for (const term of this.terms) {
        samples.push(await Learners.echo(term, String.fromCharCode(97 + (round % 26))));
        await sleep(pauseMs);
      }
    }
    return samples;
  }

  async close(): Promise<void> {
    for (const term of this.terms) await term.close().catch(() => undefined);
    await Promise.all(this.cookies.map((cookie) => fetch(`${this.baseUrl}/api/lab/session`, { method: 'DELETE', headers: { cookie } }).catch(() => undefined)));
  }
}

/**
 * A browser's terminal pane without the browser: the page's own protocol client (`LabSocket`:
 * handshake, acks, heartbeat, reconnect with backoff, close codes) over `ws` with the learner's
 * cookie, into a text sink. What it does after a server crash is what a learner's tab does.
 */
export class BrowserPane {
  readonly socket: LabSocket;
  output = '';
  bytes = 0;
  state: ConnectionState = { kind: 'idle' };
  private readonly decoder = new TextDecoder();

  constructor(baseUrl: string, cookie: string, paneId = '1') {
    const sink: TerminalSink = {
      cols: 100,
      rows: 30,
      write: (data, parsed) => {
        this.bytes += data.byteLength;
        this.output += this.decoder.decode(data, { stream: true });
        parsed();
      },
      restore: (snapshot, done) => {
        this.output = snapshot.screen;
        done();
      },
      clear: () => (this.output = ''),
    };
    this.socket = new LabSocket({
      url: `${baseUrl.replace(/^http/, 'ws')}/api/lab/terminal`,
      paneId,
      sink,
      createSocket: (url, protocol) => new WebSocket(url, protocol, { headers: { cookie } }) as unknown as SocketLike,
    });
    this.socket.on('state', (state) => (this.state = state));
    this.socket.connect();
  }

  async until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; state ${JSON.stringify(this.state)}; output tail ${JSON.stringify(this.output.slice(-200))}`);
      await sleep(10);
    }
  }

  ready(timeoutMs = 30_000): Promise<void> {
    return this.until(() => this.state.kind === 'ready', timeoutMs, 'ready');
  }

  /** Types a command and resolves with its output (up to a marker it prints). */
  async run(command: string, timeoutMs = 20_000): Promise<string> {
    const marker = `__done_${Math.random().toString(36).slice(2)}__`;
    const start = this.output.length;
    if (!this.socket.sendText(`${command}; echo ${marker.slice(0, 6)}''${marker.slice(6)}\r`)) throw new Error(`not connected (${this.state.kind})`);
    await this.until(() => this.output.indexOf(marker, start) >= 0, timeoutMs, `output of ${command}`);
    return this.output.slice(start, this.output.indexOf(marker, start));
  }

  /** One keystroke, timed until its echo; undefined when the link is down (the keystroke is dropped, as in the page). */
  async echo(char: string, timeoutMs = 10_000): Promise<number | undefined> {
    const before = this.bytes;
    const started = performance.now();
    if (!this.socket.sendText(char)) return undefined;
    await this.until(() => this.bytes > before, timeoutMs, 'echo');
    return performance.now() - started;
  }

  dispose(): void {
    this.socket.dispose();
  }
}
