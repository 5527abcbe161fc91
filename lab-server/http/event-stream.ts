import type { IncomingMessage, ServerResponse } from 'node:http';

const KEEPALIVE_MS = 15_000;

export interface EventStream {
  /** Sends one event; false (nothing sent) while the client is not reading — send the latest state again later. */
  send(event: string, data: unknown): boolean;
  readonly closed: boolean;
  onClose(listener: () => void): void;
}

/**
 * Server-sent events (`text/event-stream`): every event carries the whole state it describes, so a
 * client that reconnects (EventSource does by itself) or missed one loses nothing. A comment every
 * 15 s keeps proxies from closing an idle stream.
 */
export function openEventStream(req: IncomingMessage, res: ServerResponse): EventStream {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // nginx buffers responses by default; this tells it not to (README: reverse proxy).
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  let closed = false;
  const listeners: Array<() => void> = [];
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  keepalive.unref();
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    for (const listener of listeners.splice(0)) listener();
  };
  req.on('close', close);
  res.on('close', close);
  res.on('error', close);
  return {
    send(event, data) {
      if (closed || res.writableNeedDrain) return false;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      return true;
    },
    get closed() {
      return closed;
    },
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
}
