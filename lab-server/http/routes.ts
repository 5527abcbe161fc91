import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthReport } from './health';
import { HttpError } from './request';
import { sendError, sendJson } from './respond';
import { sessionRoutes, type SessionRouteDeps } from './session-routes';
import { checkRoutes, type CheckRouteDeps } from '../checks/routes';
import { workshopRoutes, type WorkshopRouteDeps } from '../workshops/routes';
import type { LabMetrics } from '../metrics/registry';

export interface RouteContext extends SessionRouteDeps, CheckRouteDeps, WorkshopRouteDeps {
  health: () => Promise<HealthReport>;
  metrics: LabMetrics;
}

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext, params: Record<string, string>) => Promise<void>;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Exact path; a `:name` segment matches one non-empty segment (the handler parses it with its schema). */
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
  { method: 'POST', path: '/api/lab/checks/:chapter/:id', handler: checkRoutes.run },
  { method: 'GET', path: '/api/lab/progress', handler: checkRoutes.progress },
  { method: 'POST', path: '/api/lab/instructor/login', handler: workshopRoutes.login },
  { method: 'POST', path: '/api/lab/instructor/logout', handler: workshopRoutes.logout },
  { method: 'GET', path: '/api/lab/instructor/me', handler: workshopRoutes.me },
  // Learners' join routes come before `/workshops/:id/…`: a code could spell "EVENTS".
  { method: 'GET', path: '/api/lab/workshops/join/:code', handler: workshopRoutes.joinInfo },
  { method: 'POST', path: '/api/lab/workshops/join', handler: workshopRoutes.join },
  { method: 'GET', path: '/api/lab/workshop', handler: workshopRoutes.learnerWorkshop },
  { method: 'GET', path: '/api/lab/workshop/events', handler: workshopRoutes.learnerEvents },
  { method: 'GET', path: '/api/lab/workshops', handler: workshopRoutes.list },
  { method: 'POST', path: '/api/lab/workshops', handler: workshopRoutes.create },
  { method: 'GET', path: '/api/lab/workshops/:id', handler: workshopRoutes.get },
  { method: 'GET', path: '/api/lab/workshops/:id/events', handler: workshopRoutes.events },
  { method: 'POST', path: '/api/lab/workshops/:id/broadcast', handler: workshopRoutes.broadcast },
  { method: 'POST', path: '/api/lab/workshops/:id/learners/:seat/:action', handler: workshopRoutes.learnerAction },
  { method: 'POST', path: '/api/lab/workshops/:id/extend', handler: workshopRoutes.extend },
  { method: 'POST', path: '/api/lab/workshops/:id/end', handler: workshopRoutes.end },
  { method: 'GET', path: '/api/lab/workshops/:id/progress.csv', handler: workshopRoutes.csv },
  { method: 'GET', path: '/api/lab/workshops/:id/qr.svg', handler: workshopRoutes.qr },
];

/** The route's parameters when `pathname` matches its path, else undefined. */
function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  if (!pattern.includes(':')) return pattern === pathname ? {} : undefined;
  const want = pattern.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < want.length; index++) {
    const segment = want[index]!;
    const value = got[index]!;
    if (segment.startsWith(':')) {
      if (!value) return undefined;
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        return undefined;
      }
      params[segment.slice(1)] = decoded;
    } else if (segment !== value) {
      return undefined;
    }
  }
  return params;
}

export function isLabPath(pathname: string): boolean {
  return pathname === '/metrics' || pathname === '/api/lab' || pathname.startsWith('/api/lab/');
}

export async function handleLabRequest(req: IncomingMessage, res: ServerResponse, pathname: string, ctx: RouteContext): Promise<void> {
  const samePath = routes.map((route) => ({ route, params: matchPath(route.path, pathname) })).filter((entry) => entry.params !== undefined);
  const found = samePath.find((entry) => entry.route.method === req.method);
  const route = found?.route;
  if (!route) {
    if (samePath.length > 0) {
      res.setHeader('allow', samePath.map((entry) => entry.route.method).join(', '));
      sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${pathname}`);
    } else {
      sendError(res, 404, 'not_found', `No lab endpoint at ${pathname}`);
    }
    return;
  }
  const stopTimer = ctx.metrics.httpDuration.startTimer({ route: route.path });
  try {
    await route.handler(req, res, ctx, found.params ?? {});
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    sendError(res, error.status, error.code, error.message);
  } finally {
    stopTimer();
    ctx.metrics.httpRequests.inc({ route: route.path, status: String(res.statusCode) });
  }
}
