import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { createLabServer, PROJECT_ROOT, type LabServer } from '../http/server';
import { createLogger } from '../log';
import { learnerFromToken } from '../sessions/identity';
import { startSession, TermClient } from '../testing/term-client';
import { CheckService } from './service';

/**
 * Checked steps against the real engine: the command comes from the chapter's frontmatter and
 * runs in the learner's own workspace (through their Docker practice view), a pass is stored in
 * SQLite, nothing the browser sends can make a step pass, and progress survives a restart.
 */
const dataDir = path.join(PROJECT_ROOT, '.lab-data', 'test-checks');
const config = loadConfig([], { ...process.env, LAB_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }, PROJECT_ROOT);
const quiet = () => createLogger('silent', false);
const STEP = '/api/lab/checks/first-commands/two-web-servers';

describe('step checks and progress (real engine)', () => {
  let lab: LabServer;
  let base = '';
  let alice = '';
  let bob = '';
  const cookieId = (cookie: string) => learnerFromToken(cookie.split('=')[1]!)!.id;

  const post = (url: string, cookie?: string, init: RequestInit = {}) =>
    fetch(`${base}${url}`, { method: 'POST', ...init, headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string> | undefined) } });
  const progress = async (cookie: string) =>
    (await (await fetch(`${base}/api/lab/progress`, { headers: { cookie } })).json()) as { steps: Array<{ chapter: string; step: string; passedAt: number }>; totals: Record<string, number> };

  beforeAll(async () => {
    lab = await createLabServer(config, { serveSite: false, logger: quiet() });
    base = await lab.listen();
    [alice, bob] = await Promise.all([startSession(base), startSession(base)]);
  });

  afterAll(async () => {
    for (const cookie of [alice, bob]) if (cookie) await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } }).catch(() => undefined);
    await lab?.close();
  });

  it('fails with the hint before the learner did the step, passes after they typed it, and records the pass', async () => {
    const before = await post(STEP, alice);
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({ passed: false, hint: expect.stringContaining('docker run -d --name web1') });
    expect((await progress(alice)).steps).toEqual([]);

    const term = new TermClient(base, alice);
    await term.hello('1', null);
    await term.run('docker run -d --name web1 -p 80:80 httpd && docker run -d --name web2 -p 8000:80 httpd && echo both-started', 60_000);
    await term.until(() => term.output.includes('both-started'), 60_000, 'both servers started');
    await term.close();

    const after = await post(STEP, alice);
    expect(await after.json()).toEqual({ passed: true });
    const report = await progress(alice);
    expect(report.steps).toEqual([{ chapter: 'first-commands', step: 'two-web-servers', passedAt: expect.any(Number) }]);
    expect(report.totals['first-commands']).toBe(2);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/lab_checks_total\{result="passed"\} 1/);
    expect(metrics).toMatch(/lab_checks_total\{result="failed"\} 1/);
  });

  it('forging gains nothing: a "passed" body, another learner’s pass, another chapter’s id, a foreign page', async () => {
    // A body claiming a pass is refused before anything runs.
    const forged = await post(STEP, bob, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ passed: true, learner: cookieId(alice) }) });
    expect(forged.status).toBe(400);
    // Bob's check runs in Bob's workspace, where Alice's containers do not exist.
    expect(await (await post(STEP, bob)).json()).toMatchObject({ passed: false });
    // Alice's step id under another chapter is not a check at all; neither is a path trick.
    expect((await post('/api/lab/checks/data/two-web-servers', bob)).status).toBe(404);
    expect((await post('/api/lab/checks/..%2Ffirst-commands/two-web-servers', bob)).status).toBe(400);
    expect((await post('/api/lab/checks/first-commands/two-web-servers/extra', bob)).status).toBe(404);
    // A page on another site cannot make Bob's browser run it.
    expect((await post(STEP, bob, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    // No cookie, or a cookie without a workspace.
    expect((await post(STEP)).status).toBe(401);
    const stranger = `lab_session=${'A'.repeat(43)}`;
    const noLab = await post(STEP, stranger);
    if (noLab.status !== 401) expect(noLab.status).toBe(409);
    expect((await progress(bob)).steps).toEqual([]);
    expect(await (await fetch(`${base}/api/lab/progress`)).json()).toMatchObject({ steps: [] });
  });

  it('bounds a check: one at a time per learner (a repeat shares the result), timed out at ~5 s, output capped, rate-limited', async () => {
    const containerOf = (learnerId: string) => lab.sessions.containerOf(learnerId);
    const service = new CheckService({
      docker: lab.docker,
      store: lab.store,
      logger: quiet(),
      containerOf,
      chapters: () => [
        {
          slug: 'bounds',
          title: 'Bounds',
          steps: [
            { id: 'slow', title: 'slow', check: { run: 'sleep 1; echo done', expect: 'done' } },
            { id: 'hang', title: 'hang', check: { run: 'sleep 60', hint: 'too slow' } },
            { id: 'flood', title: 'flood', check: { run: 'yes | head -c 50000000; true', expect: { match: '^y' } } },
            { id: 'other', title: 'other', check: { run: 'true' } },
          ],
        },
      ],
    });
    const learner = cookieId(bob);
    let started = Date.now();
    const [one, two] = await Promise.all([service.run(learner, 'bounds', 'slow'), service.run(learner, 'bounds', 'slow')]);
    expect(one).toEqual({ passed: true });
    expect(two).toBe(one);
    expect(Date.now() - started).toBeLessThan(1900);

    started = Date.now();
    expect(await service.run(learner, 'bounds', 'hang')).toEqual({ passed: false, hint: 'too slow', timedOut: true });
    expect(Date.now() - started).toBeLessThan(8_000);
    const left = await lab.docker.getContainer(containerOf(learner)!).top({ ps_args: 'ax' }).catch(() => ({ Processes: [] as string[][] }));
    expect(JSON.stringify(left.Processes)).not.toContain('sleep 60');

    expect(await service.run(learner, 'bounds', 'flood')).toEqual({ passed: true });

    // One running, one waiting, a third different check refused.
    const running = service.run(learner, 'bounds', 'slow');
    const waiting = service.run(learner, 'bounds', 'other');
    await expect(service.run(learner, 'bounds', 'flood')).rejects.toMatchObject({ status: 429, code: 'busy' });
    expect(await running).toEqual({ passed: true });
    expect(await waiting).toEqual({ passed: true });

    const burst = await Promise.allSettled(Array.from({ length: 15 }, () => service.run(learner, 'bounds', 'other')));
    expect(burst.some((result) => result.status === 'rejected' && (result.reason as { code?: string }).code === 'rate_limited')).toBe(true);
  });

  it('a background re-check answers from the last run while the terminals are quiet, and sees a change as soon as they are not', async () => {
    const WEB = '/api/lab/checks/first-commands/two-web-servers?auto=1';
    const executed = async () => Number(/lab_checks_total\{result="failed"\} (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
    const term = new TermClient(base, bob);
    await term.hello('1', null);
    await term.run('docker rm -f web1 web2 >/dev/null 2>&1; true', 30_000);
    // A run right after activity is not reused (effects can trail the keystrokes): let the terminal settle.
    expect(await (await post(WEB, bob)).json()).toMatchObject({ passed: false });
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect(await (await post(WEB, bob)).json()).toMatchObject({ passed: false });
    const afterFirst = await executed();
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the token bucket's refill, nothing typed
    expect(await (await post(WEB, bob)).json()).toMatchObject({ passed: false });
    expect(await executed()).toBe(afterFirst);
    // The Check button (no ?auto) always runs.
    expect(await (await post(WEB.replace('?auto=1', ''), bob)).json()).toMatchObject({ passed: false });
    expect(await executed()).toBe(afterFirst + 1);
    // Typing the step makes the very next background re-check run, and pass.
    await term.run('docker run -d --name web1 httpd >/dev/null && docker run -d --name web2 httpd >/dev/null', 60_000);
    await term.close();
    expect(await (await post(WEB, bob)).json()).toEqual({ passed: true });
    expect((await post('/api/lab/checks/first-commands/two-web-servers?auto=2', bob)).status).toBe(400);
    expect((await post('/api/lab/checks/first-commands/two-web-servers?auto=1&passed=1', bob)).status).toBe(400);
  });

  it('progress survives a lab-server restart', async () => {
    await lab.close();
    lab = await createLabServer(config, { serveSite: false, logger: quiet() });
    base = await lab.listen();
    expect((await progress(alice)).steps).toEqual([{ chapter: 'first-commands', step: 'two-web-servers', passedAt: expect.any(Number) }]);
    expect((await progress(bob)).steps).toEqual([{ chapter: 'first-commands', step: 'two-web-servers', passedAt: expect.any(Number) }]);
  });
});
