import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { LabConfig } from '../config';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a small JSON body and parses it with the route's schema; an empty body counts as `{}`. */
export async function readJsonBody<T extends z.ZodType>(req: IncomingMessage, schema: T, maxBytes = 16 * 1024): Promise<z.output<T>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new HttpError(413, 'body_too_large', `The request body is larger than ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  let value: unknown = {};
  if (text) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HttpError(400, 'invalid_body', `Invalid request body${issue.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue.message}.`);
  }
  return parsed.data;
}

/**
 * Browsers send Origin on WebSocket upgrades and on cross-site writes. It must be our own site:
 * the public URL when one is configured, else the Host the request was sent to. Requests without
 * an Origin (command-line clients) are not cross-site requests and pass.
 */
export function isSameOrigin(req: IncomingMessage, config: LabConfig): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return false;
  }
  if (config.publicUrl) return originUrl.origin === new URL(config.publicUrl).origin;
  return originUrl.host === req.headers.host;
}

/** The learner's address: behind the configured reverse proxy, the last X-Forwarded-For hop it added. */
export function clientAddress(req: IncomingMessage, config: LabConfig): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (config.publicUrl && typeof forwarded === 'string' && forwarded.trim()) {
    const hops = forwarded.split(',').map((hop) => hop.trim()).filter(Boolean);
    const last = hops.at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
