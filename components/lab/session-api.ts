/**
 * The REST half of the lab contract (lab-server/protocol/session.ts), over fetch.
 *
 * Validation is hand-written on purpose: this module ships with every guide page (Run buttons
 * reach the lab through it), and the zod schemas would add the whole of zod to that first load.
 * Only the types are imported from the shared file.
 */
import type { SessionState, SessionStatus } from '@/lab-server/protocol/session';

export type ApiResult =
  | { ok: true; status: SessionStatus; serverDate?: number }
  | { ok: false; offline: boolean; httpStatus?: number; code: string; message: string };

export interface SessionApi {
  get(): Promise<ApiResult>;
  start(): Promise<ApiResult>;
  extend(): Promise<ApiResult>;
  reset(): Promise<ApiResult>;
  end(): Promise<ApiResult>;
  keepAlive(): Promise<ApiResult>;
}

const STATES: readonly SessionState[] = ['none', 'queued', 'starting', 'ready', 'ended', 'error'];

const optionalNumber = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** A SessionStatus, or undefined when the body is not one. Unknown fields are ignored. */
export function parseStatus(body: unknown): SessionStatus | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const state = record.state;
  if (typeof state !== 'string' || !STATES.includes(state as SessionState)) return undefined;
  const status: SessionStatus = { state: state as SessionState };
  const queuePosition = optionalNumber(record.queuePosition);
  if (queuePosition !== undefined && queuePosition >= 1) status.queuePosition = Math.floor(queuePosition);
  const expiresAt = optionalNumber(record.expiresAt);
  if (expiresAt !== undefined) status.expiresAt = expiresAt;
  const idleDeadline = optionalNumber(record.idleDeadline);
  if (idleDeadline !== undefined) status.idleDeadline = idleDeadline;
  const idleWarningMs = optionalNumber(record.idleWarningMs);
  if (idleWarningMs !== undefined && idleWarningMs >= 0) status.idleWarningMs = idleWarningMs;
  if (typeof record.canExtend === 'boolean') status.canExtend = record.canExtend;
  if (typeof record.message === 'string' && record.message.trim() !== '') status.message = record.message;
  return status;
}

/** `{ error: { code, message } }`, or undefined. */
export function parseError(body: unknown): { code: string; message: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return { code, message };
}

function httpMessage(status: number): string {
  if (status === 404)
    return 'This page is not served by the lab server, so there is no lab to start here. Start the lab server with `npm start` and open the guide from it.';
  if (status === 429) return 'Too many requests to the lab server. Wait a few seconds and try again.';
  if (status >= 500) return `The lab server had a problem (HTTP ${status}). Try again in a moment.`;
  return `The lab server refused the request (HTTP ${status}).`;
}

export function createSessionApi(fetchImpl: typeof fetch = (...args) => fetch(...args), base = '/api/lab/session'): SessionApi {
  const call = async (method: 'GET' | 'POST' | 'DELETE', path = ''): Promise<ApiResult> => {
    let response: Response;
    try {
      response = await fetchImpl(base + path, {
        method,
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { accept: 'application/json' },
      });
    } catch {
      return {
        ok: false,
        offline: true,
        code: 'offline',
        message: 'Cannot reach the lab server. Check your network connection; the lab reconnects by itself.',
      };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    const dateHeader = response.headers.get('date');
    const serverDate = dateHeader ? Date.parse(dateHeader) : NaN;
    if (response.ok) {
      const status = parseStatus(body);
      if (status) return { ok: true, status, serverDate: Number.isNaN(serverDate) ? undefined : serverDate };
      return { ok: false, offline: false, httpStatus: response.status, code: 'bad-response', message: 'The lab server sent an answer this page does not understand. Reload the page.' };
    }
    const error = parseError(body);
    return {
      ok: false,
      offline: false,
      httpStatus: response.status,
      code: error?.code ?? `http-${response.status}`,
      message: error?.message ?? httpMessage(response.status),
    };
  };
  return {
    get: () => call('GET'),
    start: () => call('POST'),
    extend: () => call('POST', '/extend'),
    reset: () => call('POST', '/reset'),
    end: () => call('DELETE'),
    keepAlive: () => call('POST', '/keepalive'),
  };
}
