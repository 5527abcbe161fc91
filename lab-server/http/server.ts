import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import type { LabConfig } from '../config';
import { createLogger, type Logger } from '../log';
import { createMetrics, type LabMetrics } from '../metrics/registry';
import { createDockerClient } from '../runtime/docker-client';
import { instanceIdFor } from '../runtime/labels';
import { workspaceImageRef } from '../images';
import { SessionManager } from '../sessions/manager';
import { DockerPractice } from '../docker-proxy/hub';
import { practiceHooks } from '../docker-proxy/session-hooks';
import { PaneRegistry } from '../terminals/registry';
import { CheckService } from '../checks/service';
import { readGuideSteps } from '../../lib/content/steps';
import { openStore, type LabStore } from '../store/db';
import { InstructorAuth, resolveInstructorKey } from '../workshops/instructor-auth';
import { WorkshopService } from '../workshops/service';
import { WorkspaceStats } from '../runtime/workspace-stats';
import { DiskGuard } from '../runtime/disk-guard';
import { aliasPrefix } from '../docker-proxy/image-refs';
import { createHealthProbe } from './health';
import { handlePreview } from './preview';
import { createTerminalSockets } from './terminal-socket';
import { sendError } from './respond';
import { createStaticHandler } from './static-files';
import { answerClientError, HTTP_TIMEOUTS } from './slow-clients';
import { handleLabRequest, isLabPath, type RouteContext } from './routes';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface LabServerOptions {
  /** Serve the guide through Next as well (default true). Tests of the lab API alone turn it off. */
  serveSite?: boolean;
  docker?: Docker;
  logger?: Logger;
}

export interface LabServer {
  server: Server;
  docker: Docker;
  metrics: LabMetrics;
  logger: Logger;
  sessions: SessionManager;
  panes: PaneRegistry;
  practice: DockerPractice;
  store: LabStore;
  checks: CheckService;
  workshops: WorkshopService;
  /** The per-learner disk watchdog (undefined when --workspace-disk-mb is 0). */
  diskGuard: DiskGuard | undefined;
  /** The instructor key and where it came from (main prints it). */
  instructorKey: ReturnType<typeof resolveInstructorKey>;
  /** Starts listening on config.host:config.port (port 0 picks a free one) and resolves with the URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

type NextRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
type NextUpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>;

async function prepareNext(config: LabConfig): Promise<{ handle: NextRequestHandler; upgrade: NextUpgradeHandler; close: () => Promise<void> }> {
  const { default: next } = await import('next');
  const app = next({ dev: config.dev, dir: PROJECT_ROOT, hostname: config.host, port: config.port, customServer: true, quiet: !config.dev });
  await app.prepare();
  const handle = app.getRequestHandler();
  const upgrade = app.getUpgradeHandler();
  return {
    handle: (req, res) => handle(req, res),
    upgrade: (req, socket, head) => upgrade(req, socket, head),
    close: () => app.close(),
  };
}

/**
 * The lab's one HTTP server: `/api/lab/**` and `/metrics` are answered here, WebSocket
 * upgrades for lab paths are ours too, and every other request is handed to Next.
 */
export async function createLabServer(config: LabConfig, options: LabServerOptions = {}): Promise<LabServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const docker = options.docker ?? createDockerClient(config.dockerHost);
  const metrics = createMetrics();
  // Docker practice needs the workspace records and the records need its hooks: the hooks look the container up lazily.
  const late: { sessions?: SessionManager; workshops?: WorkshopService } = {};
  const practice = new DockerPractice({
    dataDir: config.dataDir,
    dockerHost: config.dockerHost,
    instance: instanceIdFor(config.dataDir),
    allowEgress: config.allowEgress,
    allowEgressFor: (learnerId) => late.workshops?.policyFor(learnerId)?.allowEgress,
    logger,
    workspaceContainer: (learnerId) => late.sessions?.containerOf(learnerId),
  });
  await practice.start();
  const sessions = new SessionManager(docker, config, workspaceImageRef(config), logger, practiceHooks(practice));
  late.sessions = sessions;
  const panes = new PaneRegistry(docker, logger);
  sessions.on('ended', (learnerId) => panes.closeLearner(learnerId));
  panes.on('workspaceGone', (learnerId, outOfMemory, containerId) => void sessions.markExited(learnerId, outOfMemory, containerId));
  await sessions.start();
  const store = openStore(config.dataDir);
  const guideSteps = () => readGuideSteps(path.join(PROJECT_ROOT, 'content'));
  const stats = new WorkspaceStats(docker, logger);
  const workshops = new WorkshopService({ config, store, sessions, panes, stats, logger, chapters: guideSteps });
  late.workshops = workshops;
  workshops.start();
  const diskGuard =
    config.workspaceDiskMb > 0
      ? new DiskGuard(docker, {
          instance: sessions.instance,
          limitBytes: config.workspaceDiskMb * 1024 * 1024,
          learners: () =>
            sessions.activeLearners().map((learner) => ({ ...learner, home: practice.paths(learner.key).home, imagePrefix: aliasPrefix(practice.tenant(learner.learnerId, learner.key)) })),
          onOver: async (learnerId) => void (await sessions.end(learnerId, 'disk')),
          logger,
        })
      : undefined;
  diskGuard?.start();
  const instructorKey = resolveInstructorKey(config);
  const instructors = new InstructorAuth(instructorKey.key, store.workshops, config.publicUrl?.startsWith('https:') ?? false);
  const terminals = createTerminalSockets({ config, logger, sessions, panes, shadow: { instructors, workshops } });
  const checks = new CheckService({
    docker,
    store,
    logger,
    containerOf: (learnerId) => sessions.containerOf(learnerId),
    lastActivityAt: (learnerId) => Math.max(sessions.peek(learnerId).lastActivityAt ?? 0, panes.lastOutputAt(learnerId)) || undefined,
    onResult: (result) => metrics.checks.inc({ result }),
    chapters: guideSteps,
  });
  const ctx: RouteContext = { health: createHealthProbe(docker, config, metrics), metrics, config, sessions, checks, workshops, instructors };
  const site = options.serveSite === false ? undefined : await prepareNext(config);
  // The search index, written by `pagefind` after `next build` (lab-server/site/build.ts).
  const searchIndex = createStaticHandler(path.join(PROJECT_ROOT, '.next', 'pagefind'), '/pagefind/');

  const server = createServer(HTTP_TIMEOUTS, (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://lab.invalid').pathname;
    if (isLabPath(pathname)) {
      handleLabRequest(req, res, pathname, ctx).catch((error: unknown) => {
        logger.error({ err: error, path: pathname }, 'lab request failed');
        if (!res.headersSent) sendError(res, 500, 'internal', 'The lab server hit an unexpected error; it has been logged.');
        else res.destroy();
      });
      return;
    }
    if (pathname.startsWith('/preview/')) {
      handlePreview(req, res, pathname, practice).catch((error: unknown) => {
        logger.error({ err: error, path: pathname }, 'preview request failed');
        if (!res.headersSent) sendError(res, 500, 'internal', 'The preview failed; it has been logged.');
        else res.destroy();
      });
      return;
    }
    if (site && pathname.startsWith('/pagefind/')) {
      searchIndex(req, res, pathname).catch((error: unknown) => {
        logger.error({ err: error, path: pathname }, 'search index request failed');
        if (!res.headersSent) res.writeHead(500).end('Internal error');
        else res.destroy();
      });
      return;
    }
    if (!site) {
      sendError(res, 404, 'not_found', 'This lab server does not serve the guide.');
      return;
    }
    site.handle(req, res).catch((error: unknown) => {
      logger.error({ err: error, path: pathname }, 'page request failed');
      if (!res.headersSent) res.writeHead(500).end('Internal error');
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://lab.invalid').pathname;
    if (pathname === terminals.path || pathname === terminals.shadowPath) {
      terminals.handleUpgrade(req, socket, head);
      return;
    }
    if (!isLabPath(pathname) && site) {
      site.upgrade(req, socket, head).catch(() => socket.destroy());
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  server.on('clientError', answerClientError);

  return {
    server,
    docker,
    metrics,
    logger,
    sessions,
    panes,
    practice,
    store,
    checks,
    workshops,
    diskGuard,
    instructorKey,
    listen: () =>
      new Promise<string>((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException) => reject(error);
        server.once('error', onError);
        server.listen(config.port, config.host, () => {
          server.off('error', onError);
          const address = server.address() as AddressInfo;
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${host}:${address.port}`);
        });
      }),
    close: async () => {
      workshops.stop();
      diskGuard?.stop();
      stats.close();
      sessions.stop();
      await practice.close();
      terminals.close();
      panes.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await site?.close();
      store.close();
    },
  };
}
