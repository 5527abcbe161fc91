import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { LabConfig } from '../config';
import type { Logger } from '../log';
import { Close, decodeClientFrame, FrameError, helloSchema, MAX_INPUT_BYTES, Op, PROTOCOL, type Hello, type ServerMessage } from '../protocol/terminal';
import { learnerFromRequest } from '../sessions/identity';
import type { SessionManager } from '../sessions/manager';
import type { Pane } from '../terminals/pane';
import { TooManyPanesError, type PaneRegistry } from '../terminals/registry';
import { seatIdSchema, workshopIdSchema } from '../protocol/workshop';
import type { InstructorAuth } from '../workshops/instructor-auth';
import type { WorkshopService } from '../workshops/service';
import { isSameOrigin } from './request';
import { z } from 'zod';

export const TERMINAL_PATH = '/api/lab/terminal';
/** An instructor watching a learner's pane: `?workshop=<id>&seat=<seat>`, same protocol, always read-only. */
export const SHADOW_PATH = '/api/lab/shadow';
const shadowQuerySchema = z.object({ workshop: workshopIdSchema, seat: seatIdSchema }).strict();
const HELLO_TIMEOUT_MS = 5_000;
const HEARTBEAT_MS = 15_000;
const MAX_SOCKETS_PER_LEARNER = 8;

function sendControl(ws: WebSocket, message: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

function refuse(ws: WebSocket, code: number, errorCode: string, message: string): void {
  sendControl(ws, { t: 'error', code: errorCode, message });
  ws.resume(); // a paused socket would never read the peer's close reply
  ws.close(code, message.slice(0, 120));
}

/**
 * WebSocket endpoint for terminal panes: authenticates by the learner cookie, checks Origin,
 * reads a Hello, attaches the socket to the learner's pane and relays frames. Every frame is
 * decoded strictly; anything malformed closes this socket only.
 */
export function createTerminalSockets(deps: {
  config: LabConfig;
  logger: Logger;
  sessions: SessionManager;
  panes: PaneRegistry;
  shadow?: { instructors: InstructorAuth; workshops: WorkshopService };
}) {
  const { config, logger, sessions, panes } = deps;
  const socketsByLearner = new Map<string, number>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_INPUT_BYTES + 1,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      const alive = ws as WebSocket & { labAlive?: boolean };
      if (alive.labAlive === false) {
        ws.terminate();
        continue;
      }
      alive.labAlive = false;
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const shadow = new URL(req.url ?? '/', 'http://lab.invalid').pathname === SHADOW_PATH;
    wss.handleUpgrade(req, socket, head, (ws) => {
      void (shadow ? onShadow(ws, req) : onConnection(ws, req)).catch((error: unknown) => {
        logger.error({ err: error }, 'terminal connection failed');
        refuse(ws, Close.engineDown, 'internal', 'The terminal could not be opened.');
      });
    });
  }

  /** Answers to our pings keep a socket; one that stops answering is cut at the next heartbeat. */
  function trackLiveness(ws: WebSocket): void {
    const alive = ws as WebSocket & { labAlive?: boolean };
    alive.labAlive = true;
    ws.on('pong', () => (alive.labAlive = true));
    ws.on('error', () => ws.terminate());
  }

  async function onConnection(ws: WebSocket, req: IncomingMessage): Promise<void> {
    trackLiveness(ws);

    if (!isSameOrigin(req, config)) return refuse(ws, Close.originRefused, 'origin', 'This terminal can only be opened from the lab’s own pages.');
    if (ws.protocol !== PROTOCOL) return refuse(ws, Close.policy, 'protocol', `Use the WebSocket subprotocol ${PROTOCOL}.`);
    const learner = learnerFromRequest(req);
    if (!learner) return refuse(ws, Close.unauthorized, 'no_session', 'Start the lab first: no lab session cookie.');

    const open = socketsByLearner.get(learner.id) ?? 0;
    if (open >= MAX_SOCKETS_PER_LEARNER) return refuse(ws, Close.tooMany, 'too_many', `At most ${MAX_SOCKETS_PER_LEARNER} terminal connections at once.`);
    socketsByLearner.set(learner.id, open + 1);
    ws.once('close', () => {
      const left = (socketsByLearner.get(learner.id) ?? 1) - 1;
      if (left <= 0) socketsByLearner.delete(learner.id);
      else socketsByLearner.set(learner.id, left);
    });

    const hello = await waitForHello(ws);
    if (!hello) return;
    // Hold later frames (an early RESIZE, typed keys) in the socket until the pane is attached.
    ws.pause();
    const containerId = sessions.containerOf(learner.id);
    if (!containerId) {
      const status = sessions.status(learner.id);
      return refuse(ws, Close.notFound, 'no_workspace', status.message ?? 'Your workspace is not running. Start the lab first.');
    }

    if (hello.viewer) return attachViewer(ws, learner.id, hello);

    let pane: Pane;
    try {
      pane = await panes.open(learner.id, hello.paneId, containerId, { cols: hello.cols, rows: hello.rows }, hello.lastSeq === null);
    } catch (error) {
      if (error instanceof TooManyPanesError) return refuse(ws, Close.tooMany, 'too_many_panes', error.message);
      logger.warn({ err: error, learnerId: learner.id }, 'could not open a shell');
      const running = await sessions.isContainerRunning(learner.id);
      if (running === false) {
        await sessions.markExited(learner.id);
        return refuse(ws, Close.notFound, 'workspace_gone', sessions.status(learner.id).message ?? 'Your workspace has stopped. Start a new lab for a fresh one.');
      }
      if (running === true) return refuse(ws, Close.tryAgain, 'shell_failed', 'A new shell could not start (the workspace may be out of processes or memory); retrying.');
      return refuse(ws, Close.engineDown, 'engine', 'The lab cannot reach its Docker engine right now; retrying.');
    }
    if (ws.readyState !== ws.OPEN) return;
    sessions.touch(learner.id);
    await pane.attach(ws, hello.lastSeq, false);
    ws.resume();

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) return refuse(ws, Close.badFrame, 'bad_frame', 'Only binary frames are expected after hello.');
      let frame;
      try {
        frame = decodeClientFrame(toBytes(data));
      } catch (error) {
        if (error instanceof FrameError) return refuse(ws, Close.badFrame, 'bad_frame', error.message);
        throw error;
      }
      if (!pane.isOwner(ws)) return;
      switch (frame.op) {
        case Op.input:
          sessions.touch(learner.id);
          pane.input(frame.data);
          break;
        case Op.resize:
          pane.resize(frame.cols, frame.rows);
          break;
        case Op.ack:
          pane.ack(frame.bytes);
          break;
        case Op.ping:
          pane.pong(ws, frame.ts);
          break;
      }
    });
  }

  /** An instructor's read-only view of a learner's pane in their workshop. */
  async function onShadow(ws: WebSocket, req: IncomingMessage): Promise<void> {
    trackLiveness(ws);
    if (!isSameOrigin(req, config)) return refuse(ws, Close.originRefused, 'origin', 'This terminal can only be opened from the lab’s own pages.');
    if (ws.protocol !== PROTOCOL) return refuse(ws, Close.policy, 'protocol', `Use the WebSocket subprotocol ${PROTOCOL}.`);
    if (!deps.shadow?.instructors.isInstructor(req)) return refuse(ws, Close.unauthorized, 'not_instructor', 'Instructors only: log in at /instructor.');
    const query = shadowQuerySchema.safeParse(Object.fromEntries(new URL(req.url ?? '/', 'http://lab.invalid').searchParams));
    if (!query.success) return refuse(ws, Close.badFrame, 'bad_query', 'Name the workshop and seat: ?workshop=<id>&seat=<seat>.');
    const learnerId = deps.shadow.workshops.learnerAt(query.data.workshop, query.data.seat);
    if (!learnerId) return refuse(ws, Close.notFound, 'unknown_seat', 'No learner holds that seat in this workshop.');
    const hello = await waitForHello(ws);
    if (!hello) return;
    ws.pause();
    return attachViewer(ws, learnerId, { ...hello, viewer: true });
  }

  /**
   * A read-only watcher of an existing shell (for instructors, later; today a learner's own second
   * window): it gets the screen and live output and answers to pings, but its input, resizes and
   * acks are ignored, it never starts a shell, never takes the pane over and never counts as activity.
   */
  async function attachViewer(ws: WebSocket, learnerId: string, hello: Hello): Promise<void> {
    const pane = panes.get(learnerId, hello.paneId);
    if (!pane) return refuse(ws, Close.notFound, 'no_pane', `Terminal ${hello.paneId} has no shell to watch.`);
    await pane.attach(ws, hello.lastSeq, true);
    if (ws.readyState !== ws.OPEN) return;
    ws.resume();
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) return refuse(ws, Close.badFrame, 'bad_frame', 'Only binary frames are expected after hello.');
      let frame;
      try {
        frame = decodeClientFrame(toBytes(data));
      } catch (error) {
        if (error instanceof FrameError) return refuse(ws, Close.badFrame, 'bad_frame', error.message);
        throw error;
      }
      if (frame.op === Op.ping) pane.pong(ws, frame.ts);
    });
  }

  return {
    path: TERMINAL_PATH,
    shadowPath: SHADOW_PATH,
    handleUpgrade,
    close(): void {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

async function waitForHello(ws: WebSocket) {
  return new Promise<ReturnType<typeof helloSchema.parse> | undefined>((resolve) => {
    const timer = setTimeout(() => {
      refuse(ws, Close.policy, 'no_hello', 'Expected a hello message first.');
      resolve(undefined);
    }, HELLO_TIMEOUT_MS);
    ws.once('message', (data: RawData, isBinary: boolean) => {
      clearTimeout(timer);
      if (isBinary) {
        refuse(ws, Close.policy, 'no_hello', 'Expected a hello message first.');
        return resolve(undefined);
      }
      let parsed;
      try {
        parsed = helloSchema.safeParse(JSON.parse(Buffer.from(toBytes(data)).toString('utf8')));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        refuse(ws, Close.badFrame, 'bad_hello', 'The hello message is malformed.');
        return resolve(undefined);
      }
      resolve(parsed.data);
    });
    ws.once('close', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}
