import type { IncomingMessage, ServerResponse } from 'node:http';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { LabConfig } from '../config';
import { openEventStream } from '../http/event-stream';
import { clientAddress, HttpError, isSameOrigin, readJsonBody } from '../http/request';
import { sendJson } from '../http/respond';
import {
  broadcastBodySchema,
  createWorkshopSchema,
  instructorLoginSchema,
  joinCodeSchema,
  joinRequestSchema,
  learnerActionSchema,
  seatIdSchema,
  workshopIdSchema,
} from '../protocol/workshop';
import { learnerFromRequest, newLearner, setLearnerCookie } from '../sessions/identity';
import type { InstructorAuth } from './instructor-auth';
import type { WorkshopService } from './service';

export interface WorkshopRouteDeps {
  config: LabConfig;
  workshops: WorkshopService;
  instructors: InstructorAuth;
}

type Params = Record<string, string>;

const emptyBody = z.object({}).strict();
const VIEW_EVERY_MS = 1_000;
const USAGE_EVERY_MS = 3_000;
const MAX_LEARNER_STREAMS = 4;

function parseParam<T extends z.ZodType>(schema: T, value: string | undefined, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid_params', `Invalid ${what}: ${parsed.error.issues[0]!.message}.`);
  return parsed.data;
}

function requireSameOrigin(req: IncomingMessage, config: LabConfig): void {
  if (!isSameOrigin(req, config)) throw new HttpError(403, 'origin', 'Workshop actions are only accepted from the lab’s own pages.');
}

/** Every instructor endpoint starts here: a session cookie or the key as a bearer token, else 401 (429 after repeated wrong keys). */
function instructor(req: IncomingMessage, deps: WorkshopRouteDeps): void {
  deps.instructors.require(req, clientAddress(req, deps.config));
}

/** The link a learner types or scans: absolute, from the public URL or the address this request came in on. */
function absoluteJoinUrl(req: IncomingMessage, config: LabConfig, joinUrl: string): string {
  if (/^https?:/.test(joinUrl)) return joinUrl;
  return `http://${req.headers.host ?? `${config.host}:${config.port}`}${joinUrl}`;
}

const secureCookies = (config: LabConfig) => config.publicUrl?.startsWith('https:') ?? false;

const learnerStreams = new Map<string, number>();

export const workshopRoutes = {
  async login(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps) {
    requireSameOrigin(req, deps.config);
    const { key } = await readJsonBody(req, instructorLoginSchema, 1024);
    deps.instructors.login(res, key, clientAddress(req, deps.config));
    sendJson(res, 200, { authenticated: true });
  },

  async logout(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps) {
    requireSameOrigin(req, deps.config);
    await readJsonBody(req, emptyBody, 1024);
    deps.instructors.logout(req, res);
    sendJson(res, 200, { authenticated: false });
  },

  async me(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps) {
    sendJson(res, 200, { authenticated: deps.instructors.isInstructor(req) });
  },

  async list(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps) {
    instructor(req, deps);
    sendJson(res, 200, { workshops: deps.workshops.list() });
  },

  async create(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps) {
    requireSameOrigin(req, deps.config);
    instructor(req, deps);
    const body = await readJsonBody(req, createWorkshopSchema, 8 * 1024);
    sendJson(res, 201, deps.workshops.create(body));
  },

  async get(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps, params: Params) {
    instructor(req, deps);
    sendJson(res, 200, deps.workshops.view(parseParam(workshopIdSchema, params.id, 'workshop id')));
  },

  /** The console's live feed: the whole view every second and at once after any change. */
  async events(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps, params: Params) {
    instructor(req, deps);
    const id = parseParam(workshopIdSchema, params.id, 'workshop id');
    const { workshops } = deps;
    workshops.get(id); // 404 before the stream opens
    const stream = openEventStream(req, res);
    const push = () => {
      try {
        stream.send('view', workshops.view(id));
      } catch {
        // the workshop vanished (cannot happen today: workshops are never deleted)
      }
    };
    const onChange = (changed: string) => changed === id && push();
    workshops.on('changed', onChange);
    const viewTimer = setInterval(push, VIEW_EVERY_MS);
    const watch = () => workshops.watchUsage(id);
    const usageTimer = setInterval(watch, USAGE_EVERY_MS);
    watch();
    push();
    stream.onClose(() => {
      clearInterval(viewTimer);
      clearInterval(usageTimer);
      workshops.off('changed', onChange);
      workshops.unwatchUsage(id);
    });
  },

  async broadcast(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps, params: Params) {
    requireSameOrigin(req, deps.config);
    instructor(req, deps);
    const id = parseParam(workshopIdSchema, params.id, 'workshop id');
    const body = await readJsonBody(req, broadcastBodySchema, 8 * 1024);
    sendJson(res, 200, deps.workshops.broadcast(id, body.message, body.command));
  },

  async learnerAction(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps, params: Params) {
    requireSameOrigin(req, deps.config);
    instructor(req, deps);
    const id = parseParam(workshopIdSchema, params.id, 'workshop id');
    const seat = params.seat === 'all' ? 'all' : parseParam(seatIdSchema, params.seat, 'seat');
    const action = parseParam(learnerActionSchema, params.action, 'action (extend, reset or remove)');
    await readJsonBody(req, emptyBody, 1024);
    sendJson(res, 200, await deps.workshops.act(id, seat, action));
  },

  async extend(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps, params: Params) {
    requireSameOrigin(req, deps.config);
    instructor(req, deps);
    const id = parseParam(workshopIdSchema, params.id, 'workshop id');
    await readJsonBody(req, emptyBody, 1024);
    sendJson(res, 200, deps.workshops.extend(id));
  },

  async end(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps, params: Params) {
    requireSameOrigin(req, deps.config);
    instructor(req, deps);
    const id = parseParam(workshopIdSchema, params.id, 'workshop id');
    await readJsonBody(req, emptyBody, 1024);
    sendJson(res, 200, await deps.workshops.end(id));
  },

  async csv(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps, params: Params) {
    instructor(req, deps);
    const { filename, body } = deps.workshops.csv(parseParam(workshopIdSchema, params.id, 'workshop id'));
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' });
    res.end(body);
  },

  async qr(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps, params: Params) {
    instructor(req, deps);
    const workshop = deps.workshops.get(parseParam(workshopIdSchema, params.id, 'workshop id'));
    const svg = await QRCode.toString(absoluteJoinUrl(req, deps.config, workshop.joinUrl), { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' });
    res.end(svg);
  },

  async joinInfo(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps, params: Params) {
    sendJson(res, 200, deps.workshops.joinInfo(parseParam(joinCodeSchema, params.code, 'join code')));
  },

  /** No account: the lab cookie is the learner (set here when missing); the display name is what the instructor sees. */
  async join(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps) {
    requireSameOrigin(req, deps.config);
    const { code, name } = await readJsonBody(req, joinRequestSchema, 1024);
    let learner = learnerFromRequest(req);
    const fresh = !learner;
    learner ??= newLearner();
    const result = deps.workshops.join(learner.id, code, name, clientAddress(req, deps.config));
    if (fresh) setLearnerCookie(res, learner, secureCookies(deps.config));
    sendJson(res, 200, result);
  },

  async learnerWorkshop(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps) {
    sendJson(res, 200, deps.workshops.learnerWorkshop(learnerFromRequest(req)?.id));
  },

  /** A learner page's feed: their workshop at once, then after every broadcast, extension, removal or end. */
  async learnerEvents(req: IncomingMessage, res: ServerResponse, deps: WorkshopRouteDeps) {
    const learner = learnerFromRequest(req);
    if (!learner) throw new HttpError(401, 'no_session', 'No lab session: join a workshop first.');
    const open = learnerStreams.get(learner.id) ?? 0;
    if (open >= MAX_LEARNER_STREAMS) throw new HttpError(429, 'too_many_streams', `At most ${MAX_LEARNER_STREAMS} workshop feeds at once; close a tab.`);
    learnerStreams.set(learner.id, open + 1);
    const { workshops } = deps;
    const stream = openEventStream(req, res);
    let pending = false;
    const push = () => {
      pending = !stream.send('workshop', workshops.learnerWorkshop(learner.id));
    };
    const onChange = (changed: string) => {
      if (workshops.workshopOf(learner.id) === changed) push();
    };
    workshops.on('changed', onChange);
    // A feed that could not be written (client not reading) gets the latest state once it can be.
    const retry = setInterval(() => pending && push(), 2_000);
    push();
    stream.onClose(() => {
      clearInterval(retry);
      workshops.off('changed', onChange);
      const left = (learnerStreams.get(learner.id) ?? 1) - 1;
      if (left <= 0) learnerStreams.delete(learner.id);
      else learnerStreams.set(learner.id, left);
    });
  },
};
