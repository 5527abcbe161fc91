/**
 * Workshops: the REST and event-stream contract between the lab server, the instructor console
 * (`/instructor`) and learners' pages. Browser-safe: no Node imports.
 *
 * Instructor (cookie `lab_instructor` after login, or `Authorization: Bearer <instructor key>`):
 *   POST   /api/lab/instructor/login                 { key }            → { authenticated: true }   (401 wrong key; 429 after repeated failures)
 *   POST   /api/lab/instructor/logout                                   → { authenticated: false }
 *   GET    /api/lab/instructor/me                                       → { authenticated }
 *   GET    /api/lab/workshops                                           → { workshops: Workshop[] }  (newest first)
 *   POST   /api/lab/workshops                        CreateWorkshop     → Workshop (201)
 *   GET    /api/lab/workshops/:id                                       → WorkshopView
 *   GET    /api/lab/workshops/:id/events             text/event-stream: `event: view` with a WorkshopView
 *                                                    at once and whenever it changes (checked every second)
 *   POST   /api/lab/workshops/:id/broadcast          Broadcast body     → Broadcast
 *   POST   /api/lab/workshops/:id/learners/:seat/:action  (action extend|reset|remove; seat "all" = every learner)
 *                                                                       → { affected: number }
 *   POST   /api/lab/workshops/:id/extend                                → Workshop (ends 30 minutes later)
 *   POST   /api/lab/workshops/:id/end                                   → Workshop (every workspace removed, progress kept)
 *   GET    /api/lab/workshops/:id/progress.csv                          → text/csv (one row per learner, one column per step)
 *   GET    /api/lab/workshops/:id/qr.svg                                → image/svg+xml of the join link
 *   WS     /api/lab/shadow?workshop=:id&seat=:seat   subprotocol lab.term.v1; hello as for terminals
 *                                                    (paneId one of the learner's panes); read-only viewer
 *
 * Learner (the lab cookie; set by join when missing):
 *   GET    /api/lab/workshops/join/:code                                → JoinInfo (404 unknown code)
 *   POST   /api/lab/workshops/join                   JoinRequest        → JoinResult (404 wrong code, 409 full,
 *                                                                         410 ended, 403 removed)
 *   GET    /api/lab/workshop                                            → LearnerWorkshop | { workshop: null }
 *   GET    /api/lab/workshop/events                  text/event-stream: `event: workshop` with a LearnerWorkshop
 *                                                    at once and on every change (broadcast, end, removal)
 *
 * Errors: `{ error: { code, message } }` with a matching HTTP status (protocol/session.ts).
 */
import { z } from 'zod';
import { sessionStatusSchema } from './session';

/** Join codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L), typed case-insensitively. */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const joinCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-HJ-NP-Z2-9]{6}$/, 'must be the 6-character code your instructor gave you');

const chapterSlug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a chapter slug');
export const workshopIdSchema = z.string().regex(/^[a-f0-9]{16}$/, 'must be a workshop id');
/** A learner's place in a workshop; the console never sees learner ids (they name Docker objects). */
export const seatIdSchema = z.string().regex(/^[a-f0-9]{12}$/, 'must be a seat id');

/** Display names: what the instructor sees in the roster. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .refine((name) => !/[\p{Cc}\p{Cf}]/u.test(name), 'must not contain control characters');

export const instructorLoginSchema = z.object({ key: z.string().min(1, 'must not be empty').max(200) }).strict();

export const createWorkshopSchema = z
  .object({
    title: z.string().trim().min(1, 'must not be empty').max(120),
    /** Guide chapters learners work through, in order (at least one). */
    chapters: z.array(chapterSlug).min(1, 'pick at least one chapter').max(40),
    seats: z.number().int().min(1).max(500),
    durationMinutes: z.number().int().min(10).max(24 * 60),
    /** Per-workspace limits for this workshop; the server's defaults when absent. */
    memoryMb: z.number().int().min(128).max(8192).optional(),
    cpus: z.number().min(0.1).max(16).optional(),
    /** Whether workspaces may reach the internet (only when the operator allows egress at all). */
    egress: z.boolean().default(false),
    /** Workspaces to start ahead, so joining takes no container boot (default: one per seat, within the server's capacity; 0 = none). */
    prewarm: z.number().int().min(0).max(500).optional(),
  })
  .strict();
export type CreateWorkshop = z.input<typeof createWorkshopSchema>;

export const broadcastBodySchema = z
  .object({
    message: z.string().trim().min(1, 'must not be empty').max(1000),
    /** A command learners can copy or run in their terminal. */
    command: z.string().trim().min(1).max(2000).optional(),
  })
  .strict();

export const learnerActionSchema = z.enum(['extend', 'reset', 'remove']);
export type LearnerAction = z.infer<typeof learnerActionSchema>;

export const joinRequestSchema = z.object({ code: joinCodeSchema, name: displayNameSchema }).strict();

export const workshopStateSchema = z.enum(['active', 'ended']);

export const workshopSchema = z.object({
  id: workshopIdSchema,
  code: z.string(),
  title: z.string(),
  chapters: z.array(z.string()),
  seats: z.number(),
  durationMinutes: z.number(),
  memoryMb: z.number(),
  cpus: z.number(),
  egress: z.boolean(),
  createdAt: z.number(),
  endsAt: z.number(),
  endedAt: z.number().optional(),
  state: workshopStateSchema,
  /** Learners holding a seat (not removed). */
  seatsTaken: z.number(),
  /** Workspaces started ahead and not yet claimed by a learner. */
  warmWorkspaces: z.number(),
  /** The link to hand out (absolute when the server knows its public URL, else a path). */
  joinUrl: z.string(),
});
export type Workshop = z.infer<typeof workshopSchema>;

export const broadcastSchema = z.object({ id: z.number(), message: z.string(), command: z.string().optional(), sentAt: z.number() });
export type Broadcast = z.infer<typeof broadcastSchema>;

/** One column of the console's grid. */
export const workshopStepSchema = z.object({ chapter: z.string(), chapterTitle: z.string(), id: z.string(), title: z.string() });
export type WorkshopStep = z.infer<typeof workshopStepSchema>;

export const rosterRowSchema = z.object({
  seat: seatIdSchema,
  name: z.string(),
  joinedAt: z.number(),
  /** The workspace's state (session.ts), "none" when the learner has no workspace. */
  session: z.string(),
  /** Whether a terminal of theirs is connected right now. */
  connected: z.boolean(),
  /** Milliseconds since their last input, while they have a workspace. */
  idleMs: z.number().nullable(),
  /** When their workspace will be removed, while they have one. */
  expiresAt: z.number().nullable(),
  /** Their workspace's CPU use (percent of one core) and memory (MiB), sampled every few seconds. */
  cpuPercent: z.number().nullable(),
  memoryMb: z.number().nullable(),
  /** Passed steps: `chapter/step` → epoch ms of the first pass. */
  passed: z.record(z.string(), z.number()),
  /** The first step of the workshop they have not passed, and since when they have been on it. */
  current: z.object({ chapter: z.string(), step: z.string(), since: z.number() }).nullable(),
  /** Their open terminal panes (shadow one of these). */
  panes: z.array(z.string()),
});
export type RosterRow = z.infer<typeof rosterRowSchema>;

export const workshopViewSchema = z.object({
  workshop: workshopSchema,
  steps: z.array(workshopStepSchema),
  learners: z.array(rosterRowSchema),
  broadcasts: z.array(broadcastSchema),
  generatedAt: z.number(),
});
export type WorkshopView = z.infer<typeof workshopViewSchema>;

export const joinInfoSchema = z.object({ title: z.string(), state: workshopStateSchema, seatsLeft: z.number(), endsAt: z.number() });
export type JoinInfo = z.infer<typeof joinInfoSchema>;

/** What a learner's page knows about their workshop. */
export const learnerWorkshopSchema = z.object({
  workshop: z.object({
    id: workshopIdSchema,
    title: z.string(),
    chapters: z.array(z.object({ slug: z.string(), title: z.string() })),
    endsAt: z.number(),
    state: workshopStateSchema,
    name: z.string(),
    /** The instructor removed this learner: their page says so and stops offering the workshop. */
    removed: z.boolean(),
    broadcasts: z.array(broadcastSchema),
  }),
});
export type LearnerWorkshop = z.infer<typeof learnerWorkshopSchema>;

export const joinResultSchema = learnerWorkshopSchema.extend({
  session: sessionStatusSchema,
  /** Where to go next: the workshop's first chapter. */
  next: z.string(),
});
export type JoinResult = z.infer<typeof joinResultSchema>;
