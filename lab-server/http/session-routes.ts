import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { LabConfig } from '../config';
import { learnerFromRequest, newLearner, setLearnerCookie, type Learner } from '../sessions/identity';
import type { SessionManager } from '../sessions/manager';
import { clientAddress, HttpError, isSameOrigin, readJsonBody } from './request';
import { sendJson } from './respond';

/** These actions take no parameters; a body, if any, must be an empty JSON object. */
const emptyBody = z.object({}).strict();

export interface SessionRouteDeps {
  config: LabConfig;
  sessions: SessionManager;
}

function requireSameOrigin(req: IncomingMessage, config: LabConfig): void {
  if (!isSameOrigin(req, config)) throw new HttpError(403, 'origin', 'Lab actions are only accepted from the lab’s own pages.');
}

function requireLearner(req: IncomingMessage): Learner {
  const learner = learnerFromRequest(req);
  if (!learner) throw new HttpError(401, 'no_session', 'No lab session: start the lab first.');
  return learner;
}

const secureCookies = (config: LabConfig) => config.publicUrl?.startsWith('https:') ?? false;

export const sessionRoutes = {
  async status(req: IncomingMessage, res: ServerResponse, { sessions }: SessionRouteDeps) {
    const learner = learnerFromRequest(req);
    sendJson(res, 200, learner ? sessions.status(learner.id) : { state: 'none' });
  },

  async start(req: IncomingMessage, res: ServerResponse, { config, sessions }: SessionRouteDeps) {
    requireSameOrigin(req, config);
    await readJsonBody(req, emptyBody);
    // Set again for a returning learner too: their progress stays theirs for another half year.
    const learner = learnerFromRequest(req) ?? newLearner();
    setLearnerCookie(res, learner, secureCookies(config));
    sendJson(res, 200, sessions.request(learner.id, clientAddress(req, config)));
  },

  async extend(req: IncomingMessage, res: ServerResponse, { config, sessions }: SessionRouteDeps) {
    requireSameOrigin(req, config);
    await readJsonBody(req, emptyBody);
    sendJson(res, 200, sessions.extend(requireLearner(req).id));
  },

  async keepAlive(req: IncomingMessage, res: ServerResponse, { config, sessions }: SessionRouteDeps) {
    requireSameOrigin(req, config);
    await readJsonBody(req, emptyBody);
    sendJson(res, 200, sessions.keepAlive(requireLearner(req).id));
  },

  async reset(req: IncomingMessage, res: ServerResponse, { config, sessions }: SessionRouteDeps) {
    requireSameOrigin(req, config);
    await readJsonBody(req, emptyBody);
    sendJson(res, 200, await sessions.reset(requireLearner(req).id, clientAddress(req, config)));
  },

  async end(req: IncomingMessage, res: ServerResponse, { config, sessions }: SessionRouteDeps) {
    requireSameOrigin(req, config);
    await readJsonBody(req, emptyBody);
    sendJson(res, 200, await sessions.end(requireLearner(req).id));
  },
};
