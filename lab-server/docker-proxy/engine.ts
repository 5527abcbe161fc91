import http from 'node:http';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { ProxyError } from './errors';
import type { Json } from './strict-json';

export interface EngineAddress {
  socketPath?: string;
  host?: string;
  port?: number;
}

/** DOCKER_HOST-style endpoint → where node's http client should connect. */
export function engineAddress(dockerHost: string): EngineAddress {
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
}

export interface EngineResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  stream: http.IncomingMessage;
}

/** Percent-encodes one path part (an id or a name that the proxy already validated). */
export const pathPart = (value: string) => encodeURIComponent(value);

/** An image reference in a path: the engine's router takes it with its slashes as they are. */
export function imagePath(ref: string): string {
  if (!/^[A-Za-z0-9._/:@-]+$/.test(ref)) throw new ProxyError(400, `invalid reference format: ${ref}`);
  return ref;
}

/**
 * The real engine, reachable only by the lab server. Paths given here are already rewritten
 * to engine names and full ids; nothing from a learner reaches it unparsed.
 */
export class Engine {
  private readonly agent: http.Agent;

  constructor(
    readonly address: EngineAddress,
    readonly version = 'v1.41',
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  request(method: string, path: string, options: { body?: Buffer | Readable; headers?: Record<string, string> } = {}): Promise<EngineResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { ...this.address, agent: this.agent, method, path: `/${this.version}${path}`, headers: { Host: 'docker', ...options.headers } },
        (res) => resolve({ status: res.statusCode ?? 502, headers: res.headers, stream: res }),
      );
      req.on('error', (error) => reject(new ProxyError(502, `the lab cannot reach its Docker engine (${error.message})`)));
      const body = options.body;
      if (!body) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else body.pipe(req);
    });
  }

  /** A JSON call; non-2xx answers become ProxyErrors carrying the engine's message. */
  async json<T = Json>(method: string, path: string, body?: Json): Promise<T> {
    const res = await this.request(method, path, body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)), headers: { 'Content-Type': 'application/json' } });
    const text = await readAll(res.stream);
    if (res.status >= 400) throw new ProxyError(res.status, engineMessage(text));
    if (res.status === 204 || text.length === 0) return undefined as T;
    return JSON.parse(text.toString('utf8')) as T;
  }

  /** A raw connection for attach/exec: the caller writes the request head and pipes after `101`. */
  connect(): net.Socket {
    return this.address.socketPath ? net.connect(this.address.socketPath) : net.connect(this.address.port ?? 2375, this.address.host);
  }

  close(): void {
    this.agent.destroy();
  }
}

export async function readAll(stream: AsyncIterable<unknown>, limit = 64 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ProxyError(502, 'engine answer too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function engineMessage(body: Buffer | string): string {
  const text = body.toString();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: use the text
  }
  return text.trim() || 'engine error';
}
