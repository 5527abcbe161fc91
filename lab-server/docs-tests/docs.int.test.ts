import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMdxFile } from '../../lib/content/compile';
import { flattenNav } from '../../lib/content/nav';
import { createLabServer, PROJECT_ROOT, type LabServer } from '../http/server';
import { createLogger } from '../log';
import { execInWorkspace } from '../runtime/workspaces';
import { learnerFromToken } from '../sessions/identity';
import { integrationConfig } from '../testing/integration-setup';
import { startSession, TermClient } from '../testing/term-client';
import { checkPasses, planChapter, typedInput, type PlanItem } from './plan';

/**
 * Docs tests: every chapter's `run` blocks, typed in page order into a fresh lab workspace the
 * way the Run button types them (lab server, session API, terminal WebSocket), and each step's
 * check run in that workspace after the step. Items that need Docker practice are `todo`
 * (pending, with the reason) until the Engine API proxy lands — listed, never silently skipped.
 * `DOCS_TESTS_CHAPTERS=data,isolation` limits the run to some chapters.
 */
const only = process.env.DOCS_TESTS_CHAPTERS?.split(',').map((slug) => slug.trim()).filter(Boolean);
const BLOCK_TIMEOUT_MS = 60_000;

interface Chapter {
  slug: string;
  plan: PlanItem[];
}

const chapters: Chapter[] = [];
for (const item of flattenNav()) {
  if (only && !only.includes(item.slug)) continue;
  const file = path.join(PROJECT_ROOT, 'content', 'guide', `${item.slug}.mdx`);
  const { frontmatter } = await compileMdxFile(file);
  chapters.push({ slug: item.slug, plan: planChapter(path.relative(PROJECT_ROOT, file), await readFile(file, 'utf8'), frontmatter.checks) });
}

const firstLine = (command: string) => {
  const [head = '', ...rest] = command.split('\n');
  return rest.length > 0 ? `${head} …` : head;
};

let lab: LabServer | undefined;
let base = '';

beforeAll(async () => {
  if (!chapters.some((chapter) => chapter.plan.some((item) => !item.pending))) return;
  lab = await createLabServer(integrationConfig(), { serveSite: false, logger: createLogger('silent', false) });
  base = await lab.listen();
}, 120_000);

afterAll(async () => {
  await lab?.close();
});

for (const chapter of chapters) {
  describe(`docs: /guide/${chapter.slug}`, () => {
    const runnable = chapter.plan.some((item) => !item.pending);
    let cookie = '';
    let containerId = '';
    const terms = new Map<number, TermClient>();

    const terminal = async (term: number): Promise<TermClient> => {
      let client = terms.get(term);
      if (!client) {
        client = new TermClient(base, cookie);
        terms.set(term, client);
        await client.hello(String(term), null);
      }
      return client;
    };

    if (runnable) {
      beforeAll(async () => {
        cookie = await startSession(base);
        const token = decodeURIComponent(cookie.split('=')[1]!);
        containerId = lab!.sessions.containerOf(learnerFromToken(token).id)!;
        expect(containerId).toBeTruthy();
      }, 120_000);

      afterAll(async () => {
        await Promise.all([...terms.values()].map((client) => client.close()));
        if (cookie) await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } });
      });
    }

    if (chapter.plan.length === 0) it.todo('has no run blocks or checks');

    for (const item of chapter.plan) {
      const name =
        item.kind === 'run'
          ? `line ${item.line}${item.term === 1 ? '' : ` (terminal ${item.term})`}: ${firstLine(item.command)}`
          : `check "${item.step}" after its step (line ${item.line})`;
      if (item.pending) {
        it.todo(`${name} — pending: ${item.pending}`);
        continue;
      }
      if (item.kind === 'run') {
        it(
          name,
          async () => {
            const client = await terminal(item.term);
            if (item.interrupt) client.type('\x03');
            const start = client.output.length;
            client.type(typedInput(item.command));
            // A status line the echo of the typed text cannot match (the quotes split the marker).
            const marker = `DOCSTEST${Math.random().toString(36).slice(2, 10)}`;
            client.type(`echo "${marker.slice(0, 4)}""${marker.slice(4)}:$?"\r`);
            const done = new RegExp(`${marker}:(\\d+)`);
            await client.until(() => done.test(client.output.slice(start)), BLOCK_TIMEOUT_MS, `the end of the block at line ${item.line}`);
            const status = Number(done.exec(client.output.slice(start))![1]);
            expect(status, `exit status of the block; terminal said:\n${client.output.slice(start).slice(-1500)}`).toBe(0);
          },
          BLOCK_TIMEOUT_MS + 5_000,
        );
      } else {
        it(name, async () => {
          const result = await execInWorkspace(lab!.docker, containerId, ['bash', '-lc', item.check.run], 30_000);
          expect(
            checkPasses(item.check, result),
            `check "${item.step}": ${item.check.run}\nexpected ${JSON.stringify(item.check.expect)}, got exit ${result.exitCode}, stdout ${JSON.stringify(result.stdout.trim())}, stderr ${JSON.stringify(result.stderr.trim())}`,
          ).toBe(true);
        }, 35_000);
      }
    }
  });
}
