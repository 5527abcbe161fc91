import { z } from 'zod';

/** Ids of steps and checks: used in URLs, DOM ids and API paths. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case, e.g. "web-running"');

/**
 * A step check, run by the lab server inside the learner's workspace (never in the browser).
 * `expect` is either the exact trimmed stdout, or an object for richer matching. The shape is
 * loose on purpose: the checks service that consumes it will tighten it.
 */
export const checkSchema = z.looseObject({
  run: z.string().min(1, 'a check needs a command to run'),
  expect: z
    .union([
      z.string(),
      z.looseObject({
        exitCode: z.number().int().optional(),
        stdout: z.string().optional(),
        match: z.string().optional(),
      }),
    ])
    .optional(),
  hint: z.string().optional(),
  /** What to type to pass (shown on "Show solution"; the docs tests type it into a fresh workspace). */
  solution: z.string().optional(),
});

/**
 * Frontmatter of a guide page. Unknown keys are kept (typed as `unknown`), so later features
 * (lab image, terminals, keywords…) can be added without breaking existing pages.
 */
export const frontmatterSchema = z.looseObject({
  title: z.string({ error: 'every page needs a title' }).trim().min(1, 'every page needs a title'),
  description: z
    .string({ error: 'every page needs a one-sentence description' })
    .trim()
    .min(1, 'every page needs a one-sentence description'),
  chapter: z.number().int().positive().optional(),
  checks: z.record(idSchema, checkSchema).optional(),
});

export type Frontmatter = z.output<typeof frontmatterSchema>;
export type Check = z.output<typeof checkSchema>;
