import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGuideSteps } from '../../lib/content/steps';
import { loadConfig } from '../config';
import { createLabServer, PROJECT_ROOT, type LabServer } from '../http/server';
import { createLogger } from '../log';
import { startSession, TermClient } from '../testing/term-client';

/**
 * No step is unsolvable: every `solution` in the guide's frontmatter, typed into a fresh
 * workspace's terminal, passes its check through the real checks API.
 */
const config = loadConfig([], { ...process.env, LAB_DATA_DIR: path.join(PROJECT_ROOT, '.lab-data', 'test-checks'), PORT: '0', LOG_LEVEL: 'silent' }, PROJECT_ROOT);
const chapters = readGuideSteps(path.join(PROJECT_ROOT, 'content'));
const solved = chapters.flatMap((chapter) =>
  chapter.steps.filter((step) => step.check.solution).map((step) => ({ chapter: chapter.slug, id: step.id, solution: step.check.solution! })),
);

describe('every step solution passes its check in a fresh workspace (real engine)', () => {
  let lab: LabServer;
  let base = '';
  beforeAll(async () => {
    lab = await createLabServer(config, { serveSite: false, logger: createLogger('silent', false) });
    base = await lab.listen();
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('every checked step has a solution a learner can reveal', () => {
    const missing = chapters.flatMap((chapter) => chapter.steps.filter((step) => !step.check.solution?.trim()).map((step) => `${chapter.slug}/${step.id}`));
    expect(missing).toEqual([]);
    expect(solved.length).toBeGreaterThan(0);
  });

  for (const item of solved) {
    it(`${item.chapter}/${item.id}`, async () => {
      const cookie = await startSession(base);
      try {
        const term = new TermClient(base, cookie);
        await term.hello('1', null);
        // Typed line by line as the Run button types a block; run() waits for a marker after the last line.
        await term.run(item.solution.replace(/\n+$/, '').split('\n').join('\r'), 90_000);
        await term.close();
        const answer = await (await fetch(`${base}/api/lab/checks/${item.chapter}/${item.id}`, { method: 'POST', headers: { cookie } })).json();
        expect(answer).toEqual({ passed: true });
      } finally {
        await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } });
      }
    }, 150_000);
  }
});
