import http from 'node:http';

export interface SocketAnswer {
  status: number;
  body: string;
  json<T = unknown>(): T;
}

/** One raw HTTP request on a unix socket (a learner's proxy socket, or the engine's). */
export function socketRequest(socketPath: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<SocketAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path, headers: { Host: 'docker', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Raw bytes on a unix socket (or TCP: `{ host, port }`), for requests no well-behaved client would send; resolves at close or after waitMs. */
export async function rawSocketExchange(socketPath: string | { host: string; port: number }, payload: string | Buffer, waitMs = 1500): Promise<string> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const socket = typeof socketPath === 'string' ? net.connect(socketPath) : net.connect(socketPath.port, socketPath.host);
    let received = '';
    socket.on('data', (c) => (received += c.toString('utf8')));
    socket.on('error', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.write(payload);
    setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, waitMs);
  });
}
