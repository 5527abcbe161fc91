import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLabServer, type LabServer } from '../http/server';
import { createLogger } from '../log';
import { Close } from '../protocol/terminal';
import { learnerFromToken } from '../sessions/identity';
import { integrationConfig } from '../testing/integration-setup';
import { startSession, TermClient } from '../testing/term-client';

/**
 * What a learner sees when their shell or their whole workspace goes away, the idle warning's
 * "I'm still here", and read-only viewers — against the real engine.
 */
describe('workspace and shell lifecycle (real engine)', () => {
  let lab: LabServer;
  let base: string;
  const cookies: string[] = [];
  const clients: TermClient[] = [];
  const client = (cookie: string) => {
    const c = new TermClient(base, cookie);
    clients.push(c);
    return c;
  };
  const session = async () => {
    const cookie = await startSession(base);
    cookies.push(cookie);
    return cookie;
  };
  const status = async (cookie: string) => (await (await fetch(`${base}/api/lab/session`, { headers: { cookie } })).json()) as Record<string, unknown>;
  const containerOf = (cookie: string) => lab.sessions.containerOf(learnerFromToken(cookie.split('=')[1]!).id)!;

  beforeAll(async () => {
    lab = await createLabServer(integrationConfig(), { serveSite: false, logger: createLogger('silent', false) });
    base = await lab.listen();
  }, 120_000);

  // Each test's learner leaves when it is done: the per-address cap (3) would queue the next ones.
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const cookie of cookies.splice(0)) await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } }).catch(() => undefined);
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('a shell that exits says so; the next hello starts a new shell in the same workspace', async () => {
    const cookie = await session();
    const first = client(cookie);
    await first.hello('1', null);
    await first.run('echo kept > /root/kept.txt');
    first.type('exit 3\r');
    await first.until(() => first.messages.some((m) => m.t === 'exit'), 10_000, 'exit message');
    expect(first.messages.find((m) => m.t === 'exit')).toEqual({ t: 'exit', code: 3 });
    expect((await status(cookie)).state).toBe('ready');
    const second = client(cookie);
    await second.hello('1', null);
    expect(await second.run('cat /root/kept.txt')).toContain('kept');
  });

  it('a workspace removed behind the lab’s back ends the session at once, and says why', async () => {
    const cookie = await session();
    const term = client(cookie);
    await term.hello('1', null);
    await term.run('true');
    await lab.docker.getContainer(containerOf(cookie)).remove({ force: true });
    await term.until(() => term.closed !== undefined, 10_000, 'pane closed');
    expect(term.closed?.code).toBe(Close.ended);
    expect(term.messages.some((m) => m.t === 'exit')).toBe(false); // not "shell exited": the workspace is gone
    expect(await status(cookie)).toMatchObject({ state: 'ended', message: expect.stringMatching(/container exited or was removed/) });
  });

  it('a workspace killed for memory says it ran out of memory', async () => {
    const cookie = await session();
    const term = client(cookie);
    await term.hello('1', null);
    // Make the workspace's init the OOM killer's first choice, then use more than the limit.
    term.type(`echo 1000 > /proc/1/oom_score_adj; head -c ${integrationConfig().workspaceMemoryMb + 64}m /dev/zero | tail > /dev/null\r`);
    await term.until(() => term.closed !== undefined, 45_000, 'pane closed');
    expect(term.closed?.code).toBe(Close.ended);
    expect(await status(cookie)).toMatchObject({ state: 'ended', message: expect.stringMatching(/ran out of memory \(its limit is \d+ MiB\)/) });
  });

  it('"I’m still here" (keepalive) and typing both push the idle deadline back', async () => {
    const cookie = await session();
    const before = (await status(cookie)).idleDeadline as number;
    expect((await status(cookie)).idleWarningMs).toBe(5 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const kept = (await (await fetch(`${base}/api/lab/session/keepalive`, { method: 'POST', headers: { cookie } })).json()) as { idleDeadline: number };
    expect(kept.idleDeadline).toBeGreaterThan(before);
    const term = client(cookie);
    await term.hello('1', null);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await term.run('true');
    expect((await status(cookie)).idleDeadline as number).toBeGreaterThan(kept.idleDeadline);
    const foreign = await fetch(`${base}/api/lab/session/keepalive`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect((await fetch(`${base}/api/lab/session/keepalive`, { method: 'POST' })).status).toBe(401);
  });

  it('a viewer watches a pane read-only: it sees the output, its keys go nowhere, the owner keeps the pane', async () => {
    const cookie = await session();
    const owner = client(cookie);
    await owner.hello('1', null);
    await owner.run('echo before-viewer');
    const viewer = client(cookie);
    await viewer.hello('1', null, 80, 24, { viewer: true });
    expect(viewer.ready?.mode).toBe('snapshot');
    expect(viewer.snapshot).toContain('before-viewer');
    viewer.type('echo typed-by-viewer\r');
    viewer.resize(50, 10);
    await owner.run('echo after-viewer');
    await viewer.until(() => viewer.output.includes('after-viewer'), 10_000, 'live output at the viewer');
    expect(owner.output).not.toContain('typed-by-viewer');
    expect(await owner.run('stty size')).toContain('30 100'); // the viewer's resize was ignored
    owner.resize(90, 20);
    await viewer.until(() => viewer.messages.some((m) => m.t === 'resized' && m.cols === 90 && m.rows === 20), 10_000, 'resized');
    expect(owner.closed).toBeUndefined();
    expect(viewer.closed).toBeUndefined();

    const nothing = client(cookie);
    await nothing.open();
    nothing.ws.send(JSON.stringify({ t: 'hello', v: 1, paneId: '3', lastSeq: null, cols: 80, rows: 24, viewer: true }));
    await nothing.until(() => nothing.closed !== undefined, 5_000, 'refusal');
    expect(nothing.closed?.code).toBe(Close.notFound);
    expect(lab.panes.get(learnerFromToken(cookie.split('=')[1]!).id, '3')).toBeUndefined(); // no shell was started for it
  });

  it('a flood read as fast as the page acks never lets the server’s screen mirror fall far behind', async () => {
    const cookie = await session();
    const term = client(cookie);
    term.maxOutputChars = 4096;
    await term.hello('1', null);
    const pane = lab.panes.get(learnerFromToken(cookie.split('=')[1]!).id, '1')!;
    term.type('yes\r');
    let worst = 0;
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      worst = Math.max(worst, pane.mirrorBacklog);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    term.type('\x03');
    expect(term.bytes).toBeGreaterThan(1024 * 1024); // it did flood
    expect(worst).toBeLessThan(2 * 1024 * 1024); // 1 MiB watermark plus what one read brings
    term.type('echo after-$((1+1))-flood\r');
    await term.until(() => term.output.includes('after-2-flood'), 15_000, 'a prompt after the flood');
  });
});
