import type Docker from 'dockerode';
import type { Check } from '../../lib/content/schema';
import { readGuideSteps, type ChapterSteps } from '../../lib/content/steps';
import type { Logger } from '../log';
import { execInWorkspace } from '../runtime/workspaces';
import type { LabStore, PassedStep } from '../store/db';
import { checkPasses } from './evaluate';

/** What the browser learns from a check: never the command, never its output. */
export interface CheckOutcome {
  passed: boolean;
  hint?: string;
  /** The check did not finish within its time (the learner's workspace may be busy). */
  timedOut?: boolean;
}

export interface ProgressReport {
  steps: PassedStep[];
  /** Checked steps per chapter, so a page can say "2 of 3". */
  totals: Record<string, number>;
}

/** A refusal the HTTP layer turns into a status and an error code. */
export class CheckRefused extends Error {
  override name = 'CheckRefused';
  constructor(
    readonly status: 404 | 409 | 429,
    readonly code: 'unknown_check' | 'no_workspace' | 'busy' | 'rate_limited',
    message: string,
  ) {
    super(message);
  }
}

export interface CheckServiceOptions {
  docker: Docker;
  store: LabStore;
  /** The learner's ready workspace container, if any. */
  containerOf(learnerId: string): string | undefined;
  logger: Logger;
  /** Counts results (passed, failed, timeout). */
  onResult?: (result: 'passed' | 'failed' | 'timeout') => void;
  /** The guide's chapters and their checks (read from content/ at first use by default). */
  chapters?: () => ChapterSteps[];
  /** Time a check may take inside the workspace (default 5 s). */
  timeoutMs?: number;
  /** Output kept from a check, per stream (default 64 KiB). */
  maxOutputBytes?: number;
  /** When the learner's terminals last saw input or output, if known: background re-checks skip work while nothing happens. */
  lastActivityAt?: (learnerId: string) => number | undefined;
  /** Token bucket per learner: burst and refill per second (default 10 and 2). */
  rateBurst?: number;
  ratePerSecond?: number;
}

/** A background re-check reuses a failed result this long at most when nothing happened in the learner's terminals since it ran. */
export const RECHECK_REUSE_MS = 15_000;
/** ...and only when that run came this long after the last activity: a command's effects can trail its keystrokes and output. */
export const SETTLE_MS = 5_000;

interface Slot {
  key: string;
  promise: Promise<CheckOutcome>;
}

/**
 * Step checks: the browser names a chapter and a check id; the command comes from the chapter's
 * frontmatter and runs in the learner's own workspace (`bash -c`, so `docker …` goes through their
 * Engine API proxy), bounded in time (`timeout` inside the workspace, so nothing lingers) and in
 * output. One check runs at a time per learner: a request for the check already running shares
 * its result, one other check may wait behind it, more are refused. A pass is recorded in the store.
 */
export class CheckService {
  private catalog: Map<string, Map<string, Check>> | undefined;
  private totalsByChapter: Record<string, number> = {};
  private readonly running = new Map<string, Slot>();
  private readonly waiting = new Map<string, Slot>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** The last failed outcome of each learner's check and when that run started. */
  private readonly lastFailures = new Map<string, { outcome: CheckOutcome; startedAt: number }>();
  private readonly timeoutMs: number;
  private readonly maxOutputBytes: number;
  private readonly burst: number;
  private readonly perSecond: number;

  constructor(private readonly options: CheckServiceOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxOutputBytes = options.maxOutputBytes ?? 64 * 1024;
    this.burst = options.rateBurst ?? 10;
    this.perSecond = options.ratePerSecond ?? 2;
  }

  private load(): Map<string, Map<string, Check>> {
    if (!this.catalog) {
      const chapters = (this.options.chapters ?? (() => readGuideSteps()))();
      this.catalog = new Map(chapters.map((chapter) => [chapter.slug, new Map(chapter.steps.map((step) => [step.id, step.check]))]));
      this.totalsByChapter = Object.fromEntries(chapters.filter((chapter) => chapter.steps.length > 0).map((chapter) => [chapter.slug, chapter.steps.length]));
    }
    return this.catalog;
  }

  /** The check a chapter declares under `checks.<id>`, or undefined. */
  find(chapter: string, id: string): Check | undefined {
    return this.load().get(chapter)?.get(id);
  }

  progress(learnerId: string | undefined): ProgressReport {
    this.load();
    const steps = learnerId ? this.options.store.passedSteps(learnerId).filter((step) => this.find(step.chapter, step.step)) : [];
    return { steps, totals: this.totalsByChapter };
  }

  /**
   * Runs a check. `auto` marks the page's background re-check of a visible step: when the same
   * check failed less than 15 s ago, ran at least 5 s after the last input or output in the
   * learner's terminals, and nothing has happened there since, nothing in the workspace is likely
   * to have changed by their hand, so that answer is given again without an exec.
   * A class of 50 with steps on screen would otherwise cost the engine 25 execs a second.
   */
  async run(learnerId: string, chapter: string, id: string, options: { auto?: boolean } = {}): Promise<CheckOutcome> {
    const check = this.find(chapter, id);
    if (!check) throw new CheckRefused(404, 'unknown_check', `There is no check "${id}" in chapter "${chapter}".`);
    this.takeToken(learnerId);
    const key = `${chapter}/${id}`;
    if (options.auto) {
      const last = this.lastFailures.get(`${learnerId}/${key}`);
      const activityAt = this.options.lastActivityAt?.(learnerId) ?? Number.POSITIVE_INFINITY;
      if (last && Date.now() - last.startedAt < RECHECK_REUSE_MS && activityAt + SETTLE_MS < last.startedAt) return last.outcome;
    }
    const running = this.running.get(learnerId);
    if (running?.key === key) return running.promise;
    const waiting = this.waiting.get(learnerId);
    if (waiting?.key === key) return waiting.promise;
    if (waiting) throw new CheckRefused(429, 'busy', 'Another check of yours is already running; try again in a moment.');
    const slot: Slot = { key, promise: Promise.resolve({ passed: false }) };
    const start = async (): Promise<CheckOutcome> => {
      if (this.waiting.get(learnerId) === slot) this.waiting.delete(learnerId);
      this.running.set(learnerId, slot);
      const startedAt = Date.now();
      try {
        const outcome = await this.execute(learnerId, chapter, id, check);
        this.remember(`${learnerId}/${key}`, outcome, startedAt);
        return outcome;
      } finally {
        if (this.running.get(learnerId) === slot) this.running.delete(learnerId);
      }
    };
    if (running) {
      slot.promise = running.promise.catch(() => undefined).then(start);
      this.waiting.set(learnerId, slot);
    } else {
      slot.promise = start();
    }
    return slot.promise;
  }

  private remember(key: string, outcome: CheckOutcome, startedAt: number): void {
    if (outcome.passed) {
      this.lastFailures.delete(key);
      return;
    }
    this.lastFailures.set(key, { outcome, startedAt });
    if (this.lastFailures.size > 10_000) {
      for (const [old, value] of this.lastFailures) if (Date.now() - value.startedAt > RECHECK_REUSE_MS) this.lastFailures.delete(old);
    }
  }

  private takeToken(learnerId: string): void {
    const now = Date.now();
    const bucket = this.buckets.get(learnerId) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(learnerId, bucket);
    if (this.buckets.size > 10_000) {
      for (const [key, value] of this.buckets) if (now - value.at > 60_000) this.buckets.delete(key);
    }
    if (bucket.tokens < 1) throw new CheckRefused(429, 'rate_limited', 'Too many checks; slow down a little.');
    bucket.tokens -= 1;
  }

  private async execute(learnerId: string, chapter: string, id: string, check: Check): Promise<CheckOutcome> {
    const containerId = this.options.containerOf(learnerId);
    if (!containerId) throw noWorkspace();
    const seconds = Math.max(1, Math.ceil(this.timeoutMs / 1000));
    const cmd = ['timeout', '--kill-after=1', String(seconds), 'bash', '-c', check.run];
    let result;
    try {
      result = await execInWorkspace(this.options.docker, containerId, cmd, this.timeoutMs + 3_000, { maxOutputBytes: this.maxOutputBytes });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404 || status === 409) throw noWorkspace();
      if (error instanceof Error && error.message.startsWith('command timed out')) return this.failed(check, true);
      throw error;
    }
    if (result.exitCode === 124 || result.exitCode === 137) return this.failed(check, true);
    if (!checkPasses(check, result)) return this.failed(check, false);
    this.options.store.recordPass(learnerId, chapter, id);
    this.options.onResult?.('passed');
    this.options.logger.debug({ learner: learnerId.slice(0, 8), chapter, check: id }, 'check passed');
    return { passed: true };
  }

  private failed(check: Check, timedOut: boolean): CheckOutcome {
    this.options.onResult?.(timedOut ? 'timeout' : 'failed');
    return { passed: false, ...(check.hint ? { hint: check.hint } : {}), ...(timedOut ? { timedOut: true } : {}) };
  }
}

const noWorkspace = () => new CheckRefused(409, 'no_workspace', 'Your lab is not running: start the lab, then check again.');
