/**
 * The workshop REST contract (lab-server/protocol/workshop.ts) over fetch, for the join page
 * and the instructor console. Answers are parsed with the contract's schemas: these pages are
 * not on the guide's first-load budget, and a mismatch should say so rather than render nonsense.
 * The learner banner on guide pages does not use this module (it stays free of zod).
 */
import { z } from 'zod';
import { parseError } from '@/components/lab/session-api';
import {
  broadcastSchema,
  joinInfoSchema,
  joinResultSchema,
  workshopSchema,
  workshopViewSchema,
  type CreateWorkshop,
  type LearnerAction,
} from '@/lab-server/protocol/workshop';

export type Result<T> = { ok: true; data: T } | { ok: false; status: number; code: string; message: string };

/** What to say when the server gave no `{ error }` body (a proxy in the way, a crash). */
function fallbackMessage(status: number): string {
  if (status === 0) return 'Cannot reach the lab server. Check your network connection and try again.';
  if (status === 401) return 'Sign in as the instructor first.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Wait a little and try again.';
  if (status >= 500) return `The lab server had a problem (HTTP ${status}). Try again in a moment.`;
  return `The lab server refused the request (HTTP ${status}).`;
}

async function call<S extends z.ZodType>(schema: S, path: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<Result<z.infer<S>>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    return { ok: false, status: 0, code: 'offline', message: fallbackMessage(0) };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = parseError(body);
    return { ok: false, status: response.status, code: error?.code ?? `http-${response.status}`, message: error?.message ?? fallbackMessage(response.status) };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, status: response.status, code: 'bad-response', message: 'The lab server sent an answer this page does not understand. Reload the page.' };
  }
  return { ok: true, data: parsed.data };
}

// Small answer shapes that have no named schema in the contract.
const authSchema = z.object({ authenticated: z.boolean() });
const workshopListSchema = z.object({ workshops: z.array(workshopSchema) });
const affectedSchema = z.object({ affected: z.number() });

const base = '/api/lab';
const workshopPath = (id: string) => `${base}/workshops/${encodeURIComponent(id)}`;

export const instructorApi = {
  me: () => call(authSchema, `${base}/instructor/me`),
  login: (key: string) => call(authSchema, `${base}/instructor/login`, { method: 'POST', body: { key } }),
  logout: () => call(authSchema, `${base}/instructor/logout`, { method: 'POST' }),
  list: () => call(workshopListSchema, `${base}/workshops`),
  create: (body: CreateWorkshop) => call(workshopSchema, `${base}/workshops`, { method: 'POST', body }),
  view: (id: string) => call(workshopViewSchema, workshopPath(id)),
  broadcast: (id: string, message: string, command?: string) =>
    call(broadcastSchema, `${workshopPath(id)}/broadcast`, { method: 'POST', body: command ? { message, command } : { message } }),
  learner: (id: string, seat: string | 'all', action: LearnerAction) =>
    call(affectedSchema, `${workshopPath(id)}/learners/${encodeURIComponent(seat)}/${action}`, { method: 'POST' }),
  extend: (id: string) => call(workshopSchema, `${workshopPath(id)}/extend`, { method: 'POST' }),
  end: (id: string) => call(workshopSchema, `${workshopPath(id)}/end`, { method: 'POST' }),
};

export const workshopPaths = {
  events: (id: string) => `${workshopPath(id)}/events`,
  csv: (id: string) => `${workshopPath(id)}/progress.csv`,
  qr: (id: string) => `${workshopPath(id)}/qr.svg`,
};

export const learnerApi = {
  joinInfo: (code: string) => call(joinInfoSchema, `${base}/workshops/join/${encodeURIComponent(code)}`),
  join: (code: string, name: string) => call(joinResultSchema, `${base}/workshops/join`, { method: 'POST', body: { code, name } }),
};
