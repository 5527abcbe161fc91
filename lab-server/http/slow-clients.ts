import type { ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * How long the lab's HTTP server waits for a client that sends slowly (slowloris). Node's defaults
 * (60 s for headers, checked every 30 s; 5 min for a whole request) let one address hold many
 * connections for up to 90 s each. Lab requests are small: headers come in one packet and bodies
 * are at most 16 KiB. WebSocket upgrades are not affected once upgraded (terminals live for hours).
 */
export const HTTP_TIMEOUTS: ServerOptions = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 2_000,
};

const ANSWERS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
};

/**
 * A server's `clientError` handler: answer, then close the connection for good. Ending it
 * politely (`socket.end`) is not enough: a slowloris client ignores our FIN, and Node, once a
 * `clientError` listener exists, no longer destroys the socket itself, so every timed-out slow
 * connection stayed open for ever. Node's own default writes and destroys, as here.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (socket.writable) socket.write(`HTTP/1.1 ${ANSWERS[error.code ?? ''] ?? '400 Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
