import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Call } from './call';
import { ownExec } from './containers';
import { badRequest, ProxyError } from './errors';
import { encodeQuery } from './request-line';
import { resolveContainer } from './resolve';
import { parseStrictJson, isObject } from './strict-json';

/** Reads a request body that arrived on a connection about to be upgraded (node leaves it unparsed). */
function readUpgradeBody(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<{ body: Buffer; rest: Buffer }> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (!Number.isInteger(length) || length < 0 || length > 64 * 1024) return Promise.reject(badRequest('invalid Content-Length'));
  if (head.length >= length) return Promise.resolve({ body: head.subarray(0, length), rest: head.subarray(length) });
  return new Promise((resolve, reject) => {
    let buffered = head;
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= length) {
        socket.off('data', onData);
        socket.pause();
        resolve({ body: buffered.subarray(0, length), rest: buffered.subarray(length) });
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(badRequest('connection closed before the body arrived')));
  });
}

/**
 * `docker run -it`, `attach`, `exec -it`: the request is policed like any other, then a fresh
 * connection to the engine carries the rebuilt request and, after its `101`, raw bytes both ways.
 */
export async function handleUpgrade(call: Omit<Call, 'res'>, socket: Duplex, head: Buffer): Promise<void> {
  const { segments, query } = call.parsed;
  let enginePath: string;
  let body = Buffer.alloc(0);
  const { body: raw, rest } = await readUpgradeBody(call.req, socket, head);
  if (call.req.method === 'POST' && segments.length === 3 && segments[0] === 'containers' && segments[2] === 'attach') {
    for (const key of query.keys()) if (!['stream', 'stdin', 'stdout', 'stderr', 'logs', 'detachKeys'].includes(key)) throw badRequest(`unsupported query parameter "${key}"`);
    const target = await resolveContainer(call.engine, call.tenant, segments[1]!);
    enginePath = `/containers/${target.Id}/attach${encodeQuery(query)}`;
  } else if (call.req.method === 'POST' && segments.length === 3 && segments[0] === 'exec' && segments[2] === 'start') {
    const id = await ownExec(call as Call, segments[1]!);
    const parsed = parseStrictJson(raw.toString('utf8'), 64 * 1024);
    const options = isObject(parsed) ? parsed : {};
    const pick = (name: string) => options[name] ?? options[name.toLowerCase()];
    body = Buffer.from(JSON.stringify({ Detach: pick('Detach') === true, Tty: pick('Tty') === true, ...(Array.isArray(pick('ConsoleSize')) ? { ConsoleSize: pick('ConsoleSize') } : {}) }));
    enginePath = `/exec/${id}/start`;
  } else throw new ProxyError(403, 'lab policy: this endpoint cannot be upgraded');

  const upstream = call.engine.connect();
  await new Promise<void>((resolve, reject) => {
    upstream.once('connect', resolve);
    upstream.once('error', () => reject(new ProxyError(502, 'the lab cannot reach its Docker engine')));
  });
  const headLines = [`POST /${call.engine.version}${enginePath} HTTP/1.1`, 'Host: docker', 'Connection: Upgrade', 'Upgrade: tcp', 'Content-Type: application/json', `Content-Length: ${body.length}`, '', ''];
  upstream.write(headLines.join('\r\n'));
  if (body.length) upstream.write(body);
  if (rest.length) upstream.write(rest);
  upstream.pipe(socket);
  socket.pipe(upstream);
  socket.resume();
  const closeBoth = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on('error', closeBoth);
  socket.on('error', closeBoth);
  upstream.on('close', () => socket.end());
}
