import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { createLabServer, PROJECT_ROOT, type LabServer } from '../http/server';
import { createLogger } from '../log';
import type { JoinResult, LearnerWorkshop, Workshop, WorkshopView } from '../protocol/workshop';
import { LABEL } from '../runtime/labels';
import { learnerFromToken } from '../sessions/identity';
import { EventStreamClient } from '../testing/event-stream-client';
import { TermClient } from '../testing/term-client';

/**
 * Workshops against the real engine: an instructor creates one, learners join with the code and get
 * workspaces with the workshop's limits, the console sees passes, shadows a terminal, broadcasts,
 * extends, resets, removes and ends; all of it survives a restart of the lab server.
 */
const dataDir = path.join(PROJECT_ROOT, '.lab-data', 'test-workshops');
const KEY = 'integration-instructor-key';
const config = loadConfig([], { ...process.env, LAB_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', LAB_INSTRUCTOR_KEY: KEY }, PROJECT_ROOT);
const quiet = () => createLogger('silent', false);
const learnerId = (cookie: string) => learnerFromToken(cookie.split('=')[1]!).id;

describe('workshops (real engine)', () => {
  let lab: LabServer;
  let base = '';
  let instructor = '';
  let workshop: Workshop;
  const learners: Record<string, string> = {};

  const call = async (method: string, url: string, options: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json: json as Record<string, unknown>, headers: res.headers, text };
  };
  const view = async () => (await call('GET', `/api/lab/workshops/${workshop.id}`, { cookie: instructor })).json as unknown as WorkshopView;
  const containersOf = async (id: string) => (await lab.docker.listContainers({ all: true, filters: { label: [`${LABEL.learner}=${id}`] } })).length;
  const waitReady = async (cookie: string) => {
    for (let attempt = 0; attempt < 300; attempt++) {
      const status = (await call('GET', '/api/lab/session', { cookie })).json;
      if (status.state === 'ready') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('workspace not ready');
  };
  const join = async (name: string, cookie?: string) => {
    const res = await call('POST', '/api/lab/workshops/join', { cookie, body: { code: workshop.code.toLowerCase(), name } });
    const setCookie = res.headers.get('set-cookie')?.split(';')[0];
    return { ...res, cookie: cookie ?? setCookie ?? '' };
  };

  beforeAll(async () => {
    lab = await createLabServer(config, { serveSite: false, logger: quiet() });
    base = await lab.listen();
  });

  afterAll(async () => {
    for (const cookie of Object.values(learners)) await call('DELETE', '/api/lab/session', { cookie }).catch(() => undefined);
    await lab?.close();
  });

  it('instructor endpoints need the key: 401 without, a wrong key is refused and rate-limited, a learner cookie gets nothing', async () => {
    expect((await call('GET', '/api/lab/workshops')).status).toBe(401);
    expect((await call('GET', '/api/lab/instructor/me')).json).toEqual({ authenticated: false });
    const wrong = await call('POST', '/api/lab/instructor/login', { body: { key: 'not-the-key' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ error: { code: 'wrong_key', message: expect.stringContaining('instructor key') } });
    expect((await call('POST', '/api/lab/instructor/login', { body: { nope: 1 } })).status).toBe(400);
    const login = await call('POST', '/api/lab/instructor/login', { body: { key: KEY } });
    expect(login.status).toBe(200);
    instructor = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await call('GET', '/api/lab/instructor/me', { cookie: instructor })).json).toEqual({ authenticated: true });
    expect((await call('GET', '/api/lab/workshops', { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
    // A cross-site page cannot create workshops with the instructor's cookie.
    expect((await call('POST', '/api/lab/workshops', { cookie: instructor, headers: { origin: 'http://evil.example' }, body: {} })).status).toBe(403);
    // Wrong keys from one address (logins or bearer keys): after five, even the right key gets 429 for a minute,
    // while an instructor already logged in from that address carries on.
    for (let attempt = 0; attempt < 4; attempt++) expect((await call('GET', '/api/lab/workshops', { headers: { authorization: 'Bearer wrong-key-guess' } })).status).toBe(401);
    const blocked = await call('POST', '/api/lab/instructor/login', { body: { key: KEY } });
    expect(blocked.status).toBe(429);
    expect(blocked.json).toMatchObject({ error: { code: 'too_many_attempts', message: expect.stringMatching(/try again in \d+ s/) } });
    expect((await call('GET', '/api/lab/workshops', { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(429);
    expect((await call('GET', '/api/lab/workshops', { cookie: instructor })).status).toBe(200);
  });

  it('creates a workshop with clear errors for bad input, and learners join with the code', async () => {
    const bad = await call('POST', '/api/lab/workshops', { cookie: instructor, body: { title: 'x', chapters: ['no-such-chapter'], seats: 2, durationMinutes: 60 } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'unknown_chapter' } });
    expect((await call('POST', '/api/lab/workshops', { cookie: instructor, body: { title: 'x', chapters: ['first-commands'], seats: 2, durationMinutes: 60, egress: true } })).json).toMatchObject({
      error: { code: 'egress_not_allowed' },
    });
    expect((await call('POST', '/api/lab/workshops', { cookie: instructor, body: { title: 'x', chapters: ['first-commands'], seats: 0, durationMinutes: 60 } })).status).toBe(400);

    const created = await call('POST', '/api/lab/workshops', { cookie: instructor, body: { title: 'Docker basics, room 2', chapters: ['first-commands'], seats: 2, durationMinutes: 90, memoryMb: 384, prewarm: 0 } });
    expect(created.status).toBe(201);
    workshop = created.json as unknown as Workshop;
    expect(workshop).toMatchObject({ state: 'active', seats: 2, seatsTaken: 0, memoryMb: 384, joinUrl: `/join/${workshop.code}`, warmWorkspaces: 0 });
    expect(workshop.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);

    expect((await call('GET', `/api/lab/workshops/join/${workshop.code.toLowerCase()}`)).json).toMatchObject({ title: 'Docker basics, room 2', seatsLeft: 2, state: 'active' });
    expect((await call('GET', '/api/lab/workshops/join/ZZZZZZ')).json).toMatchObject({ error: { code: 'unknown_code', message: expect.stringContaining('ZZZZZZ') } });
    expect((await call('POST', '/api/lab/workshops/join', { body: { code: 'ZZZZZZ', name: 'Ann' } })).status).toBe(404);
    expect((await call('POST', '/api/lab/workshops/join', { body: { code: workshop.code, name: '' } })).status).toBe(400);

    const alice = await join('Alice');
    expect(alice.status).toBe(200);
    const result = alice.json as unknown as JoinResult;
    expect(result).toMatchObject({ next: '/guide/first-commands', workshop: { title: 'Docker basics, room 2', name: 'Alice', removed: false } });
    expect(['starting', 'ready']).toContain(result.session.state);
    learners.alice = alice.cookie;
    const bob = await join('Bob');
    learners.bob = bob.cookie;
    const carol = await join('Carol');
    expect(carol.status).toBe(409);
    expect(carol.json).toMatchObject({ error: { code: 'workshop_full', message: expect.stringContaining('2 seats') } });
    // Rejoining keeps the seat (a second tab, a reload) and takes the new name.
    expect((await join('Alice B.', learners.alice)).status).toBe(200);

    await Promise.all([waitReady(learners.alice), waitReady(learners.bob)]);
    const inspect = await lab.docker.getContainer(lab.sessions.containerOf(learnerId(learners.alice))!).inspect();
    expect(inspect.HostConfig.Memory).toBe(384 * 1024 * 1024);
    expect(Number(inspect.Config.Labels[LABEL.expiresAt])).toBe(workshop.endsAt);

    const grid = await view();
    expect(grid.steps.map((step) => `${step.chapter}/${step.id}`)).toEqual(['first-commands/two-web-servers', 'first-commands/all-clean']);
    expect(grid.learners.map((row) => row.name)).toEqual(['Alice B.', 'Bob']);
    expect(grid.learners[0]).toMatchObject({ session: 'ready', passed: {}, current: { chapter: 'first-commands', step: 'two-web-servers' } });
    expect(JSON.stringify(grid)).not.toContain(learnerId(learners.alice));
    // Learners never reach the console.
    expect((await call('GET', `/api/lab/workshops/${workshop.id}`, { cookie: learners.alice })).status).toBe(401);
  });

  it('a pass shows in the live grid, broadcasts reach learners, and the instructor shadows a terminal', async () => {
    const feed = new EventStreamClient<WorkshopView>(`${base}/api/lab/workshops/${workshop.id}/events`, { cookie: instructor });
    const bobFeed = new EventStreamClient<LearnerWorkshop>(`${base}/api/lab/workshop/events`, { cookie: learners.bob! });
    try {
      await feed.until((data) => data.learners.length === 2, 5_000, 0, 'first view');
      const check = await call('POST', '/api/lab/checks/first-commands/all-clean', { cookie: learners.alice });
      expect(check.json).toEqual({ passed: true });
      const passedAt = Date.now();
      const seen = await feed.until((data) => data.learners.some((row) => row.passed['first-commands/all-clean'] !== undefined), 5_000, 0, 'the pass in the grid');
      expect(seen.at - passedAt).toBeLessThan(2_000);
      // A forged "passed" body or Bob's cookie on Alice's step gains nothing.
      expect((await call('POST', '/api/lab/checks/first-commands/two-web-servers', { cookie: learners.bob, body: { passed: true } })).status).toBe(400);
      expect((await call('POST', '/api/lab/checks/first-commands/two-web-servers', { cookie: learners.bob })).json).toMatchObject({ passed: false });
      expect((await view()).learners[1]!.passed).toEqual({});

      const sent = await call('POST', `/api/lab/workshops/${workshop.id}/broadcast`, { cookie: instructor, body: { message: 'Take a 5 minute break', command: 'docker ps -a' } });
      expect(sent.status).toBe(200);
      const got = await bobFeed.until((data) => data.workshop.broadcasts.some((b) => b.message === 'Take a 5 minute break'), 5_000, 0, 'broadcast');
      expect(got.data.workshop.broadcasts.at(-1)).toMatchObject({ command: 'docker ps -a' });
      expect((await call('POST', `/api/lab/workshops/${workshop.id}/broadcast`, { cookie: learners.bob, body: { message: 'fake' } })).status).toBe(401);

      // Bob types; the instructor's read-only view shows it, and the instructor's keys go nowhere.
      const bobTerm = new TermClient(base, learners.bob);
      await bobTerm.hello('1', null);
      const seat = (await view()).learners.find((row) => row.name === 'Bob')!;
      await feed.until((data) => data.learners.some((row) => row.name === 'Bob' && row.connected && row.panes.includes('1')), 5_000, 0, 'Bob connected');
      const shadow = new TermClient(base, instructor, { path: `/api/lab/shadow?workshop=${workshop.id}&seat=${seat.seat}` });
      await shadow.hello('1', null);
      await bobTerm.run('echo bob-typed-$((6*7))');
      await shadow.until(() => shadow.output.includes('bob-typed-42'), 5_000, 'shadowed output');
      shadow.type('echo instructor-typed\r');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(bobTerm.output).not.toContain('instructor-typed');
      await shadow.close();
      // A learner cannot shadow anyone, not even with a valid seat.
      const sneaky = new TermClient(base, learners.alice, { path: `/api/lab/shadow?workshop=${workshop.id}&seat=${seat.seat}` });
      await expect(sneaky.hello('1', null)).rejects.toThrow(/4001/);
      await bobTerm.close();
    } finally {
      feed.close();
      bobFeed.close();
    }
  });

  it('extend, reset and remove one learner; progress is exported as CSV', async () => {
    const rows = (await view()).learners;
    const alice = rows.find((row) => row.name === 'Alice B.')!;
    const bob = rows.find((row) => row.name === 'Bob')!;
    const before = alice.expiresAt!;
    expect((await call('POST', `/api/lab/workshops/${workshop.id}/learners/${alice.seat}/extend`, { cookie: instructor })).json).toEqual({ affected: 1 });
    expect((await view()).learners.find((row) => row.seat === alice.seat)!.expiresAt).toBe(before + 30 * 60_000);

    const term = new TermClient(base, learners.bob);
    await term.hello('1', null);
    await term.run('touch ~/bob-was-here && ls ~');
    await term.close();
    const oldContainer = lab.sessions.containerOf(learnerId(learners.bob!));
    expect((await call('POST', `/api/lab/workshops/${workshop.id}/learners/${bob.seat}/reset`, { cookie: instructor })).json).toEqual({ affected: 1 });
    await waitReady(learners.bob!);
    expect(lab.sessions.containerOf(learnerId(learners.bob!))).not.toBe(oldContainer);
    const fresh = new TermClient(base, learners.bob);
    await fresh.hello('1', null);
    expect(await fresh.run('ls ~/bob-was-here 2>&1 || true')).toContain('No such file');
    await fresh.close();

    expect((await call('POST', `/api/lab/workshops/${workshop.id}/learners/${bob.seat}/remove`, { cookie: instructor })).json).toEqual({ affected: 1 });
    expect(await containersOf(learnerId(learners.bob!))).toBe(0);
    expect((await call('GET', '/api/lab/session', { cookie: learners.bob })).json).toMatchObject({ state: 'ended', message: expect.stringContaining('removed you') });
    expect((await join('Bob again', learners.bob)).json).toMatchObject({ error: { code: 'removed' } });
    expect((await call('GET', '/api/lab/workshop', { cookie: learners.bob })).json).toMatchObject({ workshop: { removed: true } });
    expect((await view()).learners.map((row) => row.name)).toEqual(['Alice B.']);
    expect((await call('POST', `/api/lab/workshops/${workshop.id}/learners/${bob.seat}/reset`, { cookie: instructor })).status).toBe(404);
    expect((await call('POST', `/api/lab/workshops/${workshop.id}/learners/${alice.seat}/explode`, { cookie: instructor })).status).toBe(400);

    const csv = await call('GET', `/api/lab/workshops/${workshop.id}/progress.csv`, { cookie: instructor });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('name,joined_at,removed_at,steps_passed,steps_total,first-commands/two-web-servers,first-commands/all-clean');
    expect(lines[1]).toMatch(/^Alice B\.,\S+Z,,1,2,,\d{4}-\d\d-\d\dT/);
    expect(lines[2]).toMatch(/^Bob,\S+Z,\S+Z,0,2,,$/);
    const qr = await call('GET', `/api/lab/workshops/${workshop.id}/qr.svg`, { cookie: instructor });
    expect(qr.headers.get('content-type')).toBe('image/svg+xml');
    expect(qr.text).toMatch(/^<svg/);
  });

  it('survives a restart of the lab server: workshop, roster, progress, workspace and the instructor session', async () => {
    const container = lab.sessions.containerOf(learnerId(learners.alice!));
    const before = await view();
    await lab.close();
    lab = await createLabServer(config, { serveSite: false, logger: quiet() });
    base = await lab.listen();
    expect(lab.sessions.containerOf(learnerId(learners.alice!))).toBe(container);
    const after = await view();
    expect(after.workshop).toEqual(before.workshop);
    expect(after.learners.map((row) => [row.name, row.passed, row.session])).toEqual(before.learners.map((row) => [row.name, row.passed, 'ready']));
    expect((await call('GET', '/api/lab/workshop', { cookie: learners.alice })).json).toMatchObject({ workshop: { id: workshop.id, broadcasts: [{ message: 'Take a 5 minute break' }] } });
  });

  it('ending the workshop removes every workspace and Docker object of its learners and keeps their progress', async () => {
    const alice = learnerId(learners.alice!);
    const term = new TermClient(base, learners.alice);
    await term.hello('1', null);
    await term.run('docker network create leftovers && docker volume create leftovers && docker run -d --name sleeper busybox sleep 600', 60_000);
    await term.close();
    const labelled = { label: [`${LABEL.instance}=${lab.sessions.instance}`] };
    const ownedBy = async () =>
      [
        ...(await lab.docker.listContainers({ all: true, filters: labelled })).filter((c) => Object.values(c.Labels).includes(alice)),
        ...(await lab.docker.listNetworks({ filters: labelled })).filter((n) => Object.values(n.Labels ?? {}).includes(alice)),
        ...((await lab.docker.listVolumes({ filters: labelled })).Volumes ?? []).filter((v) => Object.values(v.Labels ?? {}).includes(alice)),
      ].length;
    expect(await ownedBy()).toBeGreaterThanOrEqual(5);

    const ended = await call('POST', `/api/lab/workshops/${workshop.id}/end`, { cookie: instructor });
    expect(ended.json).toMatchObject({ state: 'ended', endedAt: expect.any(Number) });
    expect(await ownedBy()).toBe(0);
    expect((await call('GET', '/api/lab/session', { cookie: learners.alice })).json).toMatchObject({ state: 'ended', message: expect.stringContaining('workshop has ended') });
    expect((await call('GET', '/api/lab/progress', { cookie: learners.alice })).json).toMatchObject({ steps: [{ chapter: 'first-commands', step: 'all-clean' }] });
    expect((await join('Late', undefined)).json).toMatchObject({ error: { code: 'workshop_ended' } });
    expect((await call('POST', `/api/lab/workshops/${workshop.id}/broadcast`, { cookie: instructor, body: { message: 'too late' } })).status).toBe(409);
  });

  it('workspaces started ahead: a joining learner claims one (ready at once, with the workshop’s limits); the rest go when it ends', async () => {
    const created = (await call('POST', '/api/lab/workshops', { cookie: instructor, body: { title: 'Warm room', chapters: ['first-commands'], seats: 3, durationMinutes: 30, memoryMb: 320, prewarm: 2 } }))
      .json as unknown as Workshop;
    const warm = async () => ((await call('GET', `/api/lab/workshops/${created.id}`, { cookie: instructor })).json as unknown as WorkshopView).workshop.warmWorkspaces;
    for (let attempt = 0; attempt < 120 && (await warm()) < 2; attempt++) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await warm()).toBe(2);
    const pooled = { label: [`${LABEL.instance}=${lab.sessions.instance}`, `${LABEL.poolGroup}=${created.id}`] };
    expect(await lab.docker.listContainers({ all: true, filters: pooled })).toHaveLength(2);

    const joined = await call('POST', '/api/lab/workshops/join', { body: { code: created.code, name: 'Finn' } });
    learners.Finn = joined.headers.get('set-cookie')!.split(';')[0]!;
    expect((joined.json as unknown as JoinResult).session.state).toBe('ready');
    expect(await warm()).toBe(1);
    const container = await lab.docker.getContainer(lab.sessions.containerOf(learnerId(learners.Finn))!).inspect();
    expect(container.HostConfig.Memory).toBe(320 * 1024 * 1024);
    const term = new TermClient(base, learners.Finn);
    await term.hello('1', null);
    expect(await term.run('docker ps -q | wc -l', 30_000)).toMatch(/^0\s*$/m);
    await term.close();

    await call('POST', `/api/lab/workshops/${created.id}/end`, { cookie: instructor });
    expect(await lab.docker.listContainers({ all: true, filters: pooled })).toHaveLength(0);
  });

  it('a workshop past its end time is ended automatically; a learner the instructor kept on keeps their workspace', async () => {
    const created = (await call('POST', '/api/lab/workshops', { cookie: instructor, body: { title: 'Short one', chapters: ['first-commands'], seats: 2, durationMinutes: 10, prewarm: 0 } })).json as unknown as Workshop;
    for (const name of ['Dana', 'Eve']) {
      const joined = await call('POST', '/api/lab/workshops/join', { body: { code: created.code, name } });
      learners[name] = joined.headers.get('set-cookie')!.split(';')[0]!;
      await waitReady(learners[name]);
    }
    const eve = (await call('GET', `/api/lab/workshops/${created.id}`, { cookie: instructor })).json as unknown as WorkshopView;
    const eveSeat = eve.learners.find((row) => row.name === 'Eve')!.seat;
    expect((await call('POST', `/api/lab/workshops/${created.id}/learners/${eveSeat}/extend`, { cookie: instructor })).json).toEqual({ affected: 1 });
    // The clock cannot be moved: the workshop's end is moved instead, as if its time had run out.
    lab.store.workshops.setEndsAt(created.id, Date.now() - 1);
    let endedAt: number | undefined;
    for (let attempt = 0; attempt < 60 && !endedAt; attempt++) {
      endedAt = ((await call('GET', `/api/lab/workshops/${created.id}`, { cookie: instructor })).json as unknown as WorkshopView).workshop.endedAt;
      if (!endedAt) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(endedAt).toBeDefined();
    // Marked ended first (no one joins any more), then the workspaces go one by one.
    for (let attempt = 0; attempt < 40 && (await containersOf(learnerId(learners.Dana!))) > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await containersOf(learnerId(learners.Dana!))).toBe(0);
    expect((await call('GET', '/api/lab/session', { cookie: learners.Dana })).json).toMatchObject({ state: 'ended', message: expect.stringContaining('workshop has ended') });
    expect((await call('GET', '/api/lab/session', { cookie: learners.Eve })).json).toMatchObject({ state: 'ready' });
    expect((await call('GET', '/api/lab/workshop', { cookie: learners.Eve })).json).toMatchObject({ workshop: { state: 'ended' } });
  });
});
