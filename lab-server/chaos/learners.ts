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
