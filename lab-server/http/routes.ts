import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthReport } from './health';
import { HttpError } from './request';
import { sendError, sendJson } from './respond';
import { sessionRoutes, type SessionRouteDeps } from './session-routes';
import type { LabMetrics } from '../metrics/registry';

export interface RouteContext extends SessionRouteDeps {
  health: () => Promise<HealthReport>;
  metrics: LabMetrics;
}

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => Promise<void>;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  handler: Handler;
}

/** The lab's own HTTP routes. Everything not listed here goes to Next, except `/api/lab/**`, which 404s here. */
const routes: Route[] = [
  {
    method: 'GET',
    path: '/api/lab/health',
    handler: async (_req, res, ctx) => {
      const report = await ctx.health();
      sendJson(res, report.status === 'ok' ? 200 : 503, report);
    },
  },
  {
    method: 'GET',
    path: '/metrics',
    handler: async (_req, res, ctx) => {
      await ctx.health(); // refreshes the engine/image/workspace gauges
      const body = await ctx.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType, 'cache-control': 'no-store' });
      res.end(body);
    },
  },
  { method: 'GET', path: '/api/lab/session', handler: sessionRoutes.status },
  { method: 'POST', path: '/api/lab/session', handler: sessionRoutes.start },
  { method: 'DELETE', path: '/api/lab/session', handler: sessionRoutes.end },
  { method: 'POST', path: '/api/lab/session/extend', handler: sessionRoutes.extend },
  { method: 'POST', path: '/api/lab/session/reset', handler: sessionRoutes.reset },
  { method: 'POST', path: '/api/lab/session/keepalive', handler: sessionRoutes.keepAlive },
];

export function isLabPath(pathname: string): boolean {
  return pathname === '/metrics' || pathname === '/api/lab' || pathname.startsWith('/api/lab/');
}

export async function handleLabRequest(req: IncomingMessage, res: ServerResponse, pathname: string, ctx: RouteContext): Promise<void> {
  const samePath = routes.filter((route) => route.path === pathname);
  const route = samePath.find((r) => r.method === req.method);
  if (!route) {
    if (samePath.length > 0) {
      res.setHeader('allow', samePath.map((r) => r.method).join(', '));
      sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${pathname}`);
    } else {
      sendError(res, 404, 'not_found', `No lab endpoint at ${pathname}`);
    }
    return;
  }
  const stopTimer = ctx.metrics.httpDuration.startTimer({ route: route.path });
  try {
    await route.handler(req, res, ctx);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    sendError(res, error.status, error.code, error.message);
  } finally {
    stopTimer();
    ctx.metrics.httpRequests.inc({ route: route.path, status: String(res.statusCode) });
  }
}
