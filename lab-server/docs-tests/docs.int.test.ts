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
 * check run in that workspace after the step. Docker blocks run for real through the learner's
 * Engine API proxy; a block marked `{/* docs-tests: skip — reason *\/}` in the MDX is reported as
 * skipped with its reason — listed, never silently dropped.
 * `DOCS_TESTS_CHAPTERS=data,isolation` limits the run to some chapters.
 */
const only = process.env.DOCS_TESTS_CHAPTERS?.split(',').map((slug) => slug.trim()).filter(Boolean);
/** A block may wait for a service itself (`timeout 90 sh -c 'until curl …'`). */
const BLOCK_TIMEOUT_MS = 120_000;
/** How long a terminal must stay quiet, without the block's status line, before the marker is typed again. */
const QUIET_RETYPE_MS = 4_000;

/**
 * Waits until `done()` holds, or the terminal has printed something since `start` and then
 * nothing for `quietMs`, or `limitMs` passes — whichever comes first.
 */
async function settled(client: TermClient, start: number, options: { done?: () => boolean; quietMs?: number; limitMs?: number } = {}): Promise<void> {
  const { done = () => false, quietMs = 1_000, limitMs = 10_000 } = options;
  const deadline = Date.now() + Math.max(limitMs, 0);
  let seen = client.output.length;
  let quietSince = Date.now();
  while (!done() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (client.output.length !== seen) {
      seen = client.output.length;
      quietSince = Date.now();
    } else if (seen > start && Date.now() - quietSince >= quietMs) {
      return;
    }
  }
}

/** Polls, for at most 30 s, until something answers HTTP on `port` inside the workspace. */
async function portAnswers(containerId: string, port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const probe = await execInWorkspace(lab!.docker, containerId, ['curl', '-s', '-o', '/dev/null', '--max-time', '2', `http://localhost:${port}/`], 5_000);
    if (probe.exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

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
  if (!chapters.some((chapter) => chapter.plan.some((item) => !item.skip))) return;
  lab = await createLabServer(integrationConfig(), { serveSite: false, logger: createLogger('silent', false) });
  base = await lab.listen();
}, 120_000);

afterAll(async () => {
  await lab?.close();
});

for (const chapter of chapters) {
  describe(`docs: /guide/${chapter.slug}`, () => {
    const runnable = chapter.plan.some((item) => !item.skip);
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
      if (item.skip) {
        it.skip(`${name} — skipped: ${item.skip}`);
        continue;
      }
      if (item.kind === 'run') {
        it(
          name,
          async () => {
            const client = await terminal(item.term);
            // A reader reads on before curling a server they just started; the tests wait (bounded) for its port instead.
            const port = item.fails ? undefined : /\bcurl\b.*?\blocalhost:(\d+)/.exec(item.command)?.[1];
            if (port) await portAnswers(containerId, Number(port));
            if (item.interrupt) client.type('\x03');
            const start = client.output.length;
            client.type(typedInput(item.command));
            if (item.untilInterrupted) {
              // It runs until the next block's Ctrl-C: wait for it to start printing and settle.
              await settled(client, start);
              return;
            }
            // A status line the echo of the typed text cannot match (the quotes split the marker).
            const marker = `DOCSTEST${Math.random().toString(36).slice(2, 10)}`;
            const done = new RegExp(`${marker}:(\\d+)`);
            // Typed again whenever the terminal falls quiet without it: keys typed while a program
            // is ending (the `exit` of `docker run -it`) can be swallowed with it, as a reader's
            // would be; the first echo that reaches a shell reports the status.
            const deadline = Date.now() + BLOCK_TIMEOUT_MS;
            while (!done.test(client.output.slice(start))) {
              client.type(`echo "${marker.slice(0, 4)}""${marker.slice(4)}:$?"\r`);
              await settled(client, start, { done: () => done.test(client.output.slice(start)), quietMs: QUIET_RETYPE_MS, limitMs: deadline - Date.now() });
              if (Date.now() >= deadline && !done.test(client.output.slice(start))) {
                throw new Error(`timed out waiting for the end of the block at line ${item.line}; terminal said:\n${client.output.slice(start).slice(-1500)}`);
              }
            }
            const status = Number(done.exec(client.output.slice(start))![1]);
            const said = `exit status of the block; terminal said:\n${client.output.slice(start).slice(-1500)}`;
            if (item.fails) expect(status, `${said}\n(it should fail: ${item.fails})`).not.toBe(0);
            else expect(status, said).toBe(0);
          },
          BLOCK_TIMEOUT_MS + 40_000, // and the wait for a port
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
