/**
 * REST bodies of the learner's lab session, shared by the lab server and the browser.
 * Browser-safe: no Node imports.
 *
 *   GET    /api/lab/session          → SessionStatus (never creates anything)
 *   POST   /api/lab/session          → SessionStatus (sets the learner cookie if missing; starts or queues the workspace)
 *   POST   /api/lab/session/extend   → SessionStatus (adds time, up to the cap)
 *   POST   /api/lab/session/reset    → SessionStatus (fresh workspace; every pane ends)
 *   POST   /api/lab/session/keepalive → SessionStatus ("I'm still here": restarts the idle countdown, like typing)
 *   DELETE /api/lab/session          → SessionStatus with state "ended"
 *   WS     /api/lab/terminal          subprotocol lab.term.v1; first frame a Hello (protocol/terminal.ts)
 *
 * Errors: `{ error: { code, message } }` with a matching HTTP status.
 */
import { z } from 'zod';

export const sessionStateSchema = z.enum(['none', 'queued', 'starting', 'ready', 'ended', 'error']);
export type SessionState = z.infer<typeof sessionStateSchema>;

export const sessionStatusSchema = z.object({
  state: sessionStateSchema,
  /** 1-based place in the queue while state is "queued". */
  queuePosition: z.number().int().positive().optional(),
  /** Epoch milliseconds when the workspace will be removed (TTL), while it exists. */
  expiresAt: z.number().optional(),
  /** Epoch milliseconds when the workspace stops for lack of input, if nothing is typed before. */
  idleDeadline: z.number().optional(),
  /** How long before idleDeadline the page warns (ms). */
  idleWarningMs: z.number().optional(),
  /** Whether another extension is allowed. */
  canExtend: z.boolean().optional(),
  /** A human sentence for "error" and "ended" (why, and what to do). */
  message: z.string().optional(),
});
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof errorBodySchema>;
