import fs from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log';
import { type Call, type ProxyHooks, scrub, sendError } from './call';
import type { Engine } from './engine';
import { ProxyError } from './errors';
import { PROXY_MAX_CONNECTIONS } from './limits';
import { answerClientError } from '../http/slow-clients';
import { parseRequestLine } from './request-line';
import { findRoute } from './routes';
import type { Tenant } from './tenant';
import { handleUpgrade } from './upgrade';

export interface LearnerListener {
  socketPath: string;
  close(): Promise<void>;
}

/**
 * One learner's Docker socket. Identity is which socket accepted the connection: nothing a
 * learner sends can claim to be someone else. Every request on a keep-alive connection is
 * parsed and policed on its own.
 */
export async function listenForLearner(socketPath: string, tenant: Tenant, engine: Engine, hooks: ProxyHooks, logger: Logger): Promise<LearnerListener> {
  await fs.rm(socketPath, { force: true });
  // Sockets past the connection cap: answered 429 at once, and nothing they send is acted on.
  const refused = new WeakSet<Socket>();
  const server = http.createServer({ requestTimeout: 0, headersTimeout: 30_000, keepAliveTimeout: 60_000 }, (req: IncomingMessage, res: ServerResponse) => {
    if (refused.has(req.socket)) return void req.socket.destroy();
    let call: Call | undefined;
    void (async () => {
      const parsed = parseRequestLine(req.method ?? '', req.url ?? '');
      const found = findRoute(parsed.method, parsed.segments);
      if (!found) throw new ProxyError(403, `lab policy: ${parsed.method} /${parsed.segments.join('/')} is not available in the lab`);
      call = { tenant, engine, hooks, req, res, parsed, params: found.params };
      await found.route.handler(call);
    })().catch((error: unknown) => {
      if (!(error instanceof ProxyError)) logger.warn({ err: error, learnerId: tenant.learnerId, url: scrub(tenant, req.url ?? '') }, 'docker proxy request failed');
      sendError(tenant, res, error);
      // An unread body would otherwise be taken as the next request on this connection.
      if (!req.complete) req.resume();
    });
  });
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    socket.once('close', () => connections--);
    if (connections <= PROXY_MAX_CONNECTIONS) return;
    refused.add(socket);
    const body = JSON.stringify({ message: `lab policy: at most ${PROXY_MAX_CONNECTIONS} connections to your Docker socket at once; stop a few (logs -f, attach, events) and try again` });
    socket.end(`HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (refused.has(req.socket)) return void socket.destroy();
    socket.on('error', () => socket.destroy());
    void (async () => {
      const parsed = parseRequestLine(req.method ?? '', req.url ?? '');
      await handleUpgrade({ tenant, engine, hooks, req, parsed, params: [] }, socket, head);
    })().catch((error: unknown) => {
      const status = error instanceof ProxyError ? error.status : 500;
      const body = JSON.stringify({ message: scrub(tenant, error instanceof Error ? error.message : 'lab proxy error') });
      socket.end(`HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
  });
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await fs.chmod(socketPath, 0o666);
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
