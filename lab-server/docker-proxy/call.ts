import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Engine, EngineResponse } from './engine';
import { readAll } from './engine';
import { badRequest, ProxyError } from './errors';
import { aliasPrefix, unalias } from './image-refs';
import type { ParsedRequest } from './request-line';
import type { LabRegistry } from './registry';
import { parseStrictJson, type Json } from './strict-json';
import type { Tenant } from './tenant';

/** What the proxy needs from the rest of the lab, per learner. */
export interface ProxyHooks {
  /** The lab's registry (localhost:5000 to learners). */
  registry: LabRegistry;
  /** The learner's workspace container id (for port forwarders), if running. */
  workspaceContainer(): string | undefined;
  /** Runs a command in the workspace (forwarders); argv, no shell. Detached: returns once started. */
  execInWorkspace(cmd: string[], options?: { detach?: boolean }): Promise<void>;
}

/** One request from one learner, with what handlers need to answer it. */
export interface Call {
  tenant: Tenant;
  engine: Engine;
  hooks: ProxyHooks;
  req: IncomingMessage;
  res: ServerResponse;
  parsed: ParsedRequest;
  params: string[];
}

export const MAX_JSON_BODY = 1 << 20;

export async function readJsonBody(call: Call, limit = MAX_JSON_BODY): Promise<Json> {
  const declared = Number(call.req.headers['content-length'] ?? 0);
  if (declared > limit) throw badRequest(`request body larger than ${limit} bytes`);
  let body: Buffer;
  try {
    body = await readAll(call.req, limit);
  } catch {
    throw badRequest(`request body larger than ${limit} bytes`);
  }
  return parseStrictJson(body.toString('utf8'), limit);
}

/** Engine names and alias tags never reach the learner, not even inside an error message. */
export function scrub(tenant: Tenant, text: string): string {
  const aliases = new RegExp(`${aliasPrefix(tenant).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[A-Za-z0-9._/:@-]+`, 'g');
  return text
    .replace(aliases, (alias) => unalias(tenant, alias) ?? alias)
    .split(tenant.prefix)
    .join('')
    .split(tenant.workspaceNetwork)
    .join('bridge');
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Api-Version': '1.41' });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status = 204): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

export function sendError(tenant: Tenant | undefined, res: ServerResponse, error: unknown): void {
  const status = error instanceof ProxyError ? error.status : 500;
  const raw = error instanceof ProxyError ? error.message : 'lab proxy error';
  const message = tenant ? scrub(tenant, raw) : raw;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { message });
}

const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length']);

/**
 * Streams an engine answer to the learner. With `transformLine`, a JSON-lines stream (stats,
 * events, progress) is rewritten object by object; otherwise bytes pass as they are.
 */
export async function relay(call: Call, answer: EngineResponse, transformLine?: (value: Record<string, unknown>) => Record<string, unknown> | undefined): Promise<void> {
  if (answer.status >= 400) {
    const text = await readAll(answer.stream, 1 << 20);
    let message = text.toString('utf8');
    try {
      message = (JSON.parse(message) as { message: string }).message ?? message;
    } catch {
      // plain text
    }
    throw new ProxyError(answer.status, message.trim());
  }
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_HEADERS.has(key)) headers[key] = value;
  call.res.writeHead(answer.status, headers);
  call.res.flushHeaders();
  const source: Readable = transformLine ? answer.stream.pipe(jsonLines(call.tenant, transformLine)) : answer.stream;
  call.res.on('close', () => answer.stream.destroy());
  await pipeline(source, call.res).catch(() => undefined);
}

function jsonLines(tenant: Tenant, transformLine: (value: Record<string, unknown>) => Record<string, unknown> | undefined): Transform {
  let pending = '';
  const emit = (line: string, push: (chunk: string) => void) => {
    if (line.trim() === '') return;
    try {
      const out = transformLine(JSON.parse(line) as Record<string, unknown>);
      if (out) push(scrub(tenant, JSON.stringify(out)) + '\n');
    } catch {
      push(scrub(tenant, line) + '\n');
    }
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) emit(line, (c) => this.push(c));
      done();
    },
    flush(done) {
      emit(pending, (c) => this.push(c));
      done();
    },
  });
}

/** Only the query parameters a handler names are forwarded; anything else is refused. */
export function pickQuery(call: Call, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of call.parsed.query) {
    if (!allowed.includes(key)) throw badRequest(`unsupported query parameter "${key}" for this endpoint in the lab`);
    out[key] = value;
  }
  return out;
}

/** Docker's filters come in two shapes: {"k":["v"]} and the older {"k":{"v":true}}. */
export function parseFilters(text: string | undefined): Record<string, string[]> {
  if (!text) return {};
  const parsed = parseStrictJson(text, 64 * 1024);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('invalid filters');
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = value as string[];
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) out[key] = Object.entries(value).filter(([, on]) => on === true).map(([v]) => v);
    else throw badRequest(`invalid filter ${key}`);
  }
  return out;
}
