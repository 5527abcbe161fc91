import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGuideSteps } from '../../lib/content/steps';
import { loadConfig } from '../config';
import { createLabServer, PROJECT_ROOT, type LabServer } from '../http/server';
import { createLogger } from '../log';
import { startSession, TermClient } from '../testing/term-client';

/**
 * Opt-in (LAB_TEST_SOLUTIONS_IN_ORDER=1, about 2 minutes): each chapter's solutions typed in page
 * order into ONE workspace, each step's check after its solution. The fresh-workspace test
 * (solutions.int.test.ts) cannot tell whether a "-clean" solution removes what the chapter made,
 * nor whether a solution that repeats earlier steps still passes after them; this one can.
 */
const config = loadConfig([], { ...process.env, LAB_DATA_DIR: path.join(PROJECT_ROOT, '.lab-data', 'test-checks'), PORT: '0', LOG_LEVEL: 'silent' }, PROJECT_ROOT);
const chapters = readGuideSteps(path.join(PROJECT_ROOT, 'content')).filter((chapter) => chapter.steps.some((step) => step.check.solution));

describe.skipIf(process.env.LAB_TEST_SOLUTIONS_IN_ORDER !== '1')('a chapter’s solutions, typed in order into one workspace, each pass (real engine)', () => {
  let lab: LabServer;
  let base = '';
  beforeAll(async () => {
    lab = await createLabServer(config, { serveSite: false, logger: createLogger('silent', false) });
    base = await lab.listen();
  });
  afterAll(async () => {
    await lab?.close();
  });

  for (const chapter of chapters) {
    it(chapter.slug, async () => {
      const cookie = await startSession(base);
      const results: Record<string, unknown> = {};
      try {
        const term = new TermClient(base, cookie);
        await term.hello('1', null);
        for (const step of chapter.steps) {
          if (!step.check.solution) continue;
          await term.run(step.check.solution.replace(/\n+$/, '').split('\n').join('\r'), 90_000);
          results[step.id] = await (await fetch(`${base}/api/lab/checks/${chapter.slug}/${step.id}`, { method: 'POST', headers: { cookie } })).json();
        }
        await term.close();
      } finally {
        await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } });
      }
      expect(results).toEqual(Object.fromEntries(Object.keys(results).map((id) => [id, { passed: true }])));
    }, 400_000);
  }
});
