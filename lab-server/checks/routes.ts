import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { idSchema } from '../../lib/content/schema';
import type { LabConfig } from '../config';
import { HttpError, isSameOrigin, readJsonBody } from '../http/request';
import { sendJson } from '../http/respond';
import { learnerFromRequest } from '../sessions/identity';
import { CheckRefused, type CheckService } from './service';

export interface CheckRouteDeps {
  config: LabConfig;
  checks: CheckService;
}

/** `:chapter` is a guide slug (kebab-case, nested with `/` not allowed here) and `:id` a check id. */
const paramsSchema = z.object({
  chapter: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a chapter slug'),
  id: idSchema,
});

/** The browser sends nothing but the path: a body, if any, must be an empty JSON object (no "passed", no command). */
const emptyBody = z.object({}).strict();
/** `?auto=1`: the page's background re-check of a visible step (it may be answered from the last run). */
const querySchema = z.object({ auto: z.literal('1').optional() }).strict();

export const checkRoutes = {
  /** `POST /api/lab/checks/:chapter/:id` → `{ passed, hint?, timedOut? }`. */
  async run(req: IncomingMessage, res: ServerResponse, { config, checks }: CheckRouteDeps, params: Record<string, string>) {
    if (!isSameOrigin(req, config)) throw new HttpError(403, 'origin', 'Lab actions are only accepted from the lab’s own pages.');
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) throw new HttpError(400, 'invalid_params', `Invalid check address: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}.`);
    const query = querySchema.safeParse(Object.fromEntries(new URL(req.url ?? '/', 'http://lab.invalid').searchParams));
    if (!query.success) throw new HttpError(400, 'invalid_query', 'The only query parameter a check takes is auto=1.');
    await readJsonBody(req, emptyBody, 1024);
    const learner = learnerFromRequest(req);
    if (!learner) throw new HttpError(401, 'no_session', 'No lab session: start the lab first.');
    try {
      sendJson(res, 200, await checks.run(learner.id, parsed.data.chapter, parsed.data.id, { auto: query.data.auto === '1' }));
    } catch (error) {
      if (error instanceof CheckRefused) {
        if (error.status === 429) res.setHeader('retry-after', '1');
        throw new HttpError(error.status, error.code, error.message);
      }
      throw error;
    }
  },

  /** `GET /api/lab/progress` → the learner's passed steps (none without a lab cookie) and the steps per chapter. */
  async progress(req: IncomingMessage, res: ServerResponse, { checks }: CheckRouteDeps) {
    sendJson(res, 200, checks.progress(learnerFromRequest(req)?.id));
  },
};
