import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { DockerPractice } from '../docker-proxy/hub';
import { recordedPorts } from '../docker-proxy/present';
import { ownContainers } from '../docker-proxy/resolve';
import { COOKIE_NAME, learnerFromRequest } from '../sessions/identity';
import { sendError } from './respond';

export const PREVIEW_PREFIX = '/preview/';

/** The container and port behind one of the learner's published ports, or undefined. */
async function findTarget(practice: DockerPractice, learnerId: string, hostPort: string): Promise<{ address: string; port: number } | undefined> {
  const tenant = practice.tenant(learnerId);
  for (const container of await ownContainers(practice.engine, tenant, { status: ['running'] })) {
    for (const [key, bindings] of Object.entries(recordedPorts(container.Labels))) {
      if (!bindings.some((b) => b.HostPort === hostPort)) continue;
      const networks = (container.NetworkSettings as { Networks?: Record<string, { IPAddress?: string }> } | undefined)?.Networks ?? {};
      const address = Object.values(networks).find((n) => n.IPAddress)?.IPAddress;
      if (address) return { address, port: Number(key.split('/')[0]) };
    }
  }
  return undefined;
}

/**
 * `/preview/<port>/…`: what `curl localhost:<port>` shows in the learner's terminal, in their
 * browser. Only the learner whose cookie it is reaches their own containers; the lab cookie is
 * never passed on to the learner's application.
 */
export async function handlePreview(req: IncomingMessage, res: ServerResponse, pathname: string, practice: DockerPractice): Promise<void> {
  const match = /^\/preview\/(\d{1,5})(\/.*)?$/.exec(pathname);
  if (!match) {
    sendError(res, 404, 'not_found', 'A preview address looks like /preview/8080/.');
    return;
  }
  const [, port, rest] = match as unknown as [string, string, string | undefined];
  if (rest === undefined) {
    res.writeHead(308, { location: `${PREVIEW_PREFIX}${port}/` }).end();
    return;
  }
  const learner = learnerFromRequest(req);
  if (!learner) {
    sendError(res, 401, 'no_session', 'Start your lab first: previews show your own containers.');
    return;
  }
  const target = await findTarget(practice, learner.id, port);
  if (!target) {
    sendError(res, 404, 'no_such_port', `None of your running containers publishes port ${port} (docker run -p ${port}:<container port> …).`);
    return;
  }
  const query = new URL(req.url ?? '/', 'http://lab.invalid').search;
  const headers = { ...req.headers };
  delete headers.host;
  if (headers.cookie) {
    const kept = headers.cookie.split(';').filter((part) => part.trim().split('=')[0] !== COOKIE_NAME).join(';');
    if (kept.trim()) headers.cookie = kept;
    else delete headers.cookie;
  }
  await new Promise<void>((resolve) => {
    const upstream = http.request({ host: target.address, port: target.port, method: req.method, path: `${rest}${query}`, headers: { ...headers, host: `localhost:${port}` }, timeout: 15_000 }, (answer) => {
      const location = answer.headers.location;
      // The application thinks it is at localhost:<port>; keep its redirects inside the preview.
      if (location) answer.headers.location = location.replace(/^https?:\/\/localhost(:\d+)?\//, `${PREVIEW_PREFIX}${port}/`).replace(/^\/(?!preview\/)/, `${PREVIEW_PREFIX}${port}/`);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', () => resolve());
    });
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', () => {
      if (!res.headersSent) sendError(res, 502, 'preview_unreachable', `Your container on port ${port} did not answer.`);
      else res.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}
