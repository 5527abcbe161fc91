/**
 * Reads a `text/event-stream` the way EventSource would (for tests and benchmarks, which run in
 * Node): every event is kept with the time it arrived; `until` waits for one that matches.
 */
export class EventStreamClient<T = unknown> {
  readonly events: Array<{ event: string; data: T; at: number }> = [];
  status = 0;
  private readonly controller = new AbortController();
  private waiters: Array<() => void> = [];
  private done = false;

  constructor(url: string, headers: Record<string, string> = {}) {
    void this.read(url, headers);
  }

  private async read(url: string, headers: Record<string, string>): Promise<void> {
    try {
      const res = await fetch(url, { headers, signal: this.controller.signal });
      this.status = res.status;
      if (!res.ok || !res.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) this.events.push({ event, data: JSON.parse(data.join('\n')) as T, at: Date.now() });
          this.notify();
        }
      }
    } catch {
      // aborted or the server went away
    } finally {
      this.done = true;
      this.notify();
    }
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The first event from index `from` on that satisfies `predicate`. */
  async until(predicate: (data: T, event: string) => boolean, timeoutMs = 10_000, from = 0, what = 'event'): Promise<{ event: string; data: T; at: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find((entry) => predicate(entry.data, entry.event));
      if (found) return found;
      if (this.done && this.status !== 0) throw new Error(`stream ended (status ${this.status}) before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }
}
