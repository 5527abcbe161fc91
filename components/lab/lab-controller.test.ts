import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionStatus } from '@/lab-server/protocol/session';
import { commandToInput, derivePhase, ENDED_RECHECKS_MS, idleWarningLeft, INITIAL_LAB_STATE, LabController, paneIdFor, pollDelay, type PaneHandle } from './lab-controller';
import type { ApiResult, SessionApi } from './session-api';
import { parseError, parseStatus } from './session-api';

type Call = keyof SessionApi;

/** A scripted lab server: each call answers with the next queued result, or the current status. */
function fakeApi() {
  let current: SessionStatus = { state: 'none' };
  const queued: Partial<Record<Call, ApiResult[]>> = {};
  const calls: Call[] = [];
  const answer = (call: Call) => () => {
    calls.push(call);
    const next = queued[call]?.shift();
    return Promise.resolve(next ?? { ok: true as const, status: current });
  };
  const api: SessionApi = { get: answer('get'), start: answer('start'), extend: answer('extend'), reset: answer('reset'), end: answer('end'), keepAlive: answer('keepAlive') };
  return {
    api,
    calls,
    setStatus(status: SessionStatus) {
      current = status;
    },
    queue(call: Call, result: ApiResult) {
      (queued[call] ??= []).push(result);
    },
  };
}

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

function fakePane() {
  const sent: string[] = [];
  const handle: PaneHandle = {
    whenReady: () => Promise.resolve(),
    send: (text) => {
      sent.push(text);
      return true;
    },
    focus: () => undefined,
  };
  return { handle, sent };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('pure helpers', () => {
  it('turns a command block into typed lines', () => {
    expect(commandToInput('docker version')).toBe('docker version\r');
    expect(commandToInput('docker run -d \\\n  httpd\n')).toBe('docker run -d \\\r  httpd\r');
    expect(commandToInput('$ echo hi\nhi\n$ ls')).toBe('echo hi\rls\r');
    expect(commandToInput('a\r\nb')).toBe('a\rb\r');
  });

  it('maps term numbers to pane ids', () => {
    expect([1, 2, 4, 9, 0, NaN].map(paneIdFor)).toEqual(['1', '2', '4', '4', '1', '1']);
  });

  it('derives the phase the header shows', () => {
    const s = (patch: Partial<typeof INITIAL_LAB_STATE>) => derivePhase({ ...INITIAL_LAB_STATE, ...patch });
    expect(s({})).toBe('idle');
    expect(s({ started: true })).toBe('starting');
    expect(s({ started: true, status: { state: 'queued', queuePosition: 3 } })).toBe('queued');
    expect(s({ started: true, status: { state: 'ready' } })).toBe('ready');
    expect(s({ started: true, status: { state: 'ready' }, offline: true })).toBe('reconnecting');
    expect(s({ started: true, status: { state: 'ready' }, paneConn: { '1': 'ready', '2': 'reconnecting' } })).toBe('reconnecting');
    expect(s({ started: true, status: { state: 'ended' } })).toBe('ended');
    expect(s({ started: true, status: { state: 'ended' }, busy: 'start' })).toBe('starting');
    expect(s({ started: true, status: { state: 'ready' }, busy: 'reset' })).toBe('starting');
    expect(s({ started: true, status: { state: 'error', message: 'x' } })).toBe('error');
  });

  it('polls fast while starting, slowly while ready, not at all when idle or ended', () => {
    const p = (patch: Partial<typeof INITIAL_LAB_STATE>, attempt = 0) => pollDelay({ ...INITIAL_LAB_STATE, started: true, ...patch }, attempt);
    expect(p({ status: { state: 'starting' } })).toBe(1000);
    expect(p({ status: { state: 'queued' } })).toBe(1000);
    expect(p({ status: { state: 'ready' } })).toBe(15_000);
    expect(p({ status: { state: 'ended' } })).toBeNull();
    expect(p({ status: { state: 'ready' }, offline: true }, 0)).toBe(1000);
    expect(p({ status: { state: 'ready' }, offline: true }, 9)).toBe(15_000);
    expect(pollDelay(INITIAL_LAB_STATE, 0)).toBeNull();
  });

  it('warns about the idle stop only inside the window the server names, and polls when it opens', () => {
    const ready = (idleDeadline: number, idleWarningMs?: number) => ({ ...INITIAL_LAB_STATE, started: true, status: { state: 'ready' as const, idleDeadline, idleWarningMs } });
    expect(idleWarningLeft(ready(1_000_000 + 6 * 60_000), 1_000_000)).toBeUndefined();
    expect(idleWarningLeft(ready(1_000_000 + 4 * 60_000), 1_000_000)).toBe(4 * 60_000);
    expect(idleWarningLeft(ready(1_000_000 + 4 * 60_000, 60_000), 1_000_000)).toBeUndefined();
    expect(idleWarningLeft(ready(1_000_000 - 5), 1_000_000)).toBe(0);
    // 6 minutes to the stop with a 5-minute warning: ask again just after the warning would start.
    expect(pollDelay(ready(1_000_000 + 5 * 60_000 + 8_000), 0, 1_000_000)).toBe(8_250);
    expect(pollDelay(ready(1_000_000 + 60 * 60_000), 0, 1_000_000)).toBe(15_000);
    expect(pollDelay(ready(1_000_000 + 60_000), 0, 1_000_000)).toBe(15_000);
  });

  it('parses status and error bodies defensively', () => {
    expect(parseStatus({ state: 'queued', queuePosition: 2, extra: 1 })).toEqual({ state: 'queued', queuePosition: 2 });
    expect(parseStatus({ state: 'ready', expiresAt: 5, idleDeadline: 'x', canExtend: true, message: '' })).toEqual({
      state: 'ready',
      expiresAt: 5,
      canExtend: true,
    });
    expect(parseStatus({ state: 'weird' })).toBeUndefined();
    expect(parseStatus(null)).toBeUndefined();
    expect(parseError({ error: { code: 'engine-down', message: 'Docker is down' } })).toEqual({ code: 'engine-down', message: 'Docker is down' });
    expect(parseError({ error: 'x' })).toBeUndefined();
  });
});

describe('LabController', () => {
  it('starts, polls every second until ready, then every 15 s', async () => {
    const server = fakeApi();
    const lab = new LabController({ api: server.api, storage: memoryStorage() });
    server.setStatus({ state: 'starting' });
    await lab.start();
    expect(lab.phase).toBe('starting');
    expect(lab.getSnapshot().open).toBe(true);
    server.setStatus({ state: 'ready', expiresAt: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.calls).toEqual(['start', 'get']);
    expect(lab.phase).toBe('ready');
    expect(lab.getSnapshot().live).toBe(true);
    await vi.advanceTimersByTimeAsync(14_000);
    expect(server.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.calls).toHaveLength(3);
  });

  it('shows the queue position', async () => {
    const server = fakeApi();
    const lab = new LabController({ api: server.api });
    server.setStatus({ state: 'queued', queuePosition: 4 });
    await lab.start();
    expect(lab.phase).toBe('queued');
    expect(lab.getSnapshot().status?.queuePosition).toBe(4);
  });

  it('turns a refused start into an error with the server message', async () => {
    const server = fakeApi();
    server.queue('start', { ok: false, offline: false, httpStatus: 503, code: 'engine-down', message: 'The Docker engine is not running.' });
    const lab = new LabController({ api: server.api });
    await lab.start();
    expect(lab.phase).toBe('error');
    expect(lab.getSnapshot().status?.message).toBe('The Docker engine is not running.');
  });

  it('goes to reconnecting while the server is unreachable and backs off', async () => {
    const server = fakeApi();
    server.setStatus({ state: 'ready' });
    const lab = new LabController({ api: server.api });
    await lab.start();
    const offline: ApiResult = { ok: false, offline: true, code: 'offline', message: 'offline' };
    server.queue('get', offline);
    server.queue('get', offline);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(lab.phase).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.calls.filter((c) => c === 'get')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(server.calls.filter((c) => c === 'get')).toHaveLength(3);
    expect(lab.phase).toBe('ready');
  });

  it('persists what is open and restores it after a reload, re-attaching to the lab', async () => {
    const storage = memoryStorage();
    const server = fakeApi();
    server.setStatus({ state: 'ready' });
    const first = new LabController({ api: server.api, storage });
    first.attach();
    await first.start();
    first.openPane();
    first.openPane();
    first.setActive('2');
    first.dispose();

    const second = new LabController({ api: server.api, storage });
    expect(second.getSnapshot().started).toBe(false); // nothing read before mount
    second.attach();
    expect(second.getSnapshot()).toMatchObject({ started: true, open: true, panes: ['1', '2', '3'], active: '2' });
    await vi.advanceTimersByTimeAsync(0);
    expect(server.calls.at(-1)).toBe('get');
    expect(second.phase).toBe('ready');
  });

  it('starts again after a reload when the server forgot the lab', async () => {
    const storage = memoryStorage({ 'lab.v1': JSON.stringify({ started: true, panes: ['1'] }) });
    const server = fakeApi();
    const lab = new LabController({ api: server.api, storage });
    lab.attach();
    server.setStatus({ state: 'none' });
    await vi.advanceTimersByTimeAsync(0);
    expect(server.calls).toEqual(['get', 'start']);
  });

  it('keeps the panes of an ended lab and gives fresh ones to the next', async () => {
    const server = fakeApi();
    server.setStatus({ state: 'ready' });
    const lab = new LabController({ api: server.api });
    await lab.start();
    const epoch = lab.getSnapshot().epoch;
    server.setStatus({ state: 'ended', message: 'Your lab time is over.' });
    await lab.refresh();
    expect(lab.phase).toBe('ended');
    expect(lab.getSnapshot().live).toBe(true);
    expect(lab.getSnapshot().announcement.text).toBe('Your lab time is over.');
    server.setStatus({ state: 'starting' });
    await lab.start();
    expect(lab.getSnapshot().epoch).toBe(epoch + 1);
    expect(lab.getSnapshot().live).toBe(false);
  });

  it('a workspace replaced elsewhere (an instructor’s reset) gets fresh panes, even when a poll saw the end first', async () => {
    const server = fakeApi();
    server.setStatus({ state: 'ready' });
    const lab = new LabController({ api: server.api });
    await lab.start();
    const epoch = lab.getSnapshot().epoch;
    lab.reportPane('1', 'ready');
    // The old workspace's panes close; a poll lands while the old one is being removed.
    lab.reportPane('1', 'ended');
    server.setStatus({ state: 'ended', message: 'The workspace is being replaced by a fresh one.' });
    await lab.refresh();
    expect(lab.phase).toBe('ended');
    // Still ending at the first look; the new workspace is there at the second.
    await vi.advanceTimersByTimeAsync(ENDED_RECHECKS_MS[0]);
    expect(lab.phase).toBe('ended');
    server.setStatus({ state: 'starting' });
    await vi.advanceTimersByTimeAsync(ENDED_RECHECKS_MS[1]);
    expect(lab.phase).toBe('starting');
    expect(lab.getSnapshot()).toMatchObject({ epoch: epoch + 1, live: false, paneConn: {} });
    server.setStatus({ state: 'ready' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(lab.getSnapshot()).toMatchObject({ epoch: epoch + 1, live: true });
  });

  it('a reset finished between two polls: ready again, but the panes said ended, so they remount', async () => {
    const server = fakeApi();
    server.setStatus({ state: 'ready' });
    const lab = new LabController({ api: server.api });
    await lab.start();
    const epoch = lab.getSnapshot().epoch;
    lab.reportPane('1', 'ended');
    await lab.refresh();
    expect(lab.getSnapshot()).toMatchObject({ epoch: epoch + 1, live: true, paneConn: {} });
  });

  it('an end that stays an end is looked at a few more times, then polling stops', async () => {
    const server = fakeApi();
    server.setStatus({ state: 'ready' });
    const lab = new LabController({ api: server.api });
    await lab.start();
    server.setStatus({ state: 'ended', message: 'The workshop has ended.' });
    await lab.refresh();
    const calls = server.calls.length;
    await vi.advanceTimersByTimeAsync(ENDED_RECHECKS_MS[0]);
    expect(server.calls.length).toBe(calls + 1);
    await vi.advanceTimersByTimeAsync(ENDED_RECHECKS_MS[1] + ENDED_RECHECKS_MS[2]);
    expect(server.calls.length).toBe(calls + 3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.calls.length).toBe(calls + 3);
    expect(lab.phase).toBe('ended');
  });

  it('resets into a new epoch and reports action failures without changing the session', async () => {
    const server = fakeApi();
    server.setStatus({ state: 'ready', canExtend: true });
    const lab = new LabController({ api: server.api });
    await lab.start();
    const epoch = lab.getSnapshot().epoch;
    server.setStatus({ state: 'starting' });
    await lab.reset();
    expect(lab.getSnapshot().epoch).toBe(epoch + 1);
    expect(lab.phase).toBe('starting');
    server.queue('extend', { ok: false, offline: false, httpStatus: 409, code: 'limit', message: 'No more extensions.' });
    await lab.extend();
    expect(lab.getSnapshot().actionError).toBe('No more extensions.');
    expect(lab.phase).toBe('starting');
  });

  it('"I’m still here" and typing during the idle warning both tell the server at once', async () => {
    const server = fakeApi();
    let now = 1_000_000;
    server.setStatus({ state: 'ready', idleDeadline: now + 60 * 60_000 });
    const lab = new LabController({ api: server.api, now: () => now });
    await lab.start();
    lab.noteInput(); // no warning showing: nothing to say
    expect(server.calls).not.toContain('keepAlive');
    server.setStatus({ state: 'ready', idleDeadline: now + 2 * 60_000 });
    await lab.refresh();
    server.setStatus({ state: 'ready', idleDeadline: now + 30 * 60_000 });
    lab.noteInput();
    lab.noteInput(); // throttled
    await vi.waitFor(() => expect(lab.getSnapshot().status?.idleDeadline).toBe(now + 30 * 60_000));
    expect(server.calls.filter((call) => call === 'keepAlive')).toHaveLength(1);
    now += 10_000;
    server.setStatus({ state: 'ready', idleDeadline: now + 60_000 });
    await lab.refresh();
    server.setStatus({ state: 'ready', idleDeadline: now + 30 * 60_000 });
    await lab.keepAlive();
    expect(lab.getSnapshot().status?.idleDeadline).toBe(now + 30 * 60_000);
    expect(lab.getSnapshot().announcement.text).toBe('The lab keeps running');
    lab.dispose();
  });

  it('end forgets the lab for this tab', async () => {
    const storage = memoryStorage();
    const server = fakeApi();
    server.setStatus({ state: 'ready' });
    const lab = new LabController({ api: server.api, storage });
    await lab.start();
    server.setStatus({ state: 'ended' });
    await lab.end();
    expect(lab.phase).toBe('ended');
    expect(JSON.parse(storage.data.get('lab.v1')!).started).toBe(false);
  });

  it('opens at most four panes and keeps a sensible active one when closing', () => {
    const lab = new LabController({ api: fakeApi().api });
    expect([lab.openPane(), lab.openPane(), lab.openPane(), lab.openPane()]).toEqual(['2', '3', '4', undefined]);
    expect(lab.getSnapshot().active).toBe('4');
    lab.closePane('4');
    expect(lab.getSnapshot()).toMatchObject({ panes: ['1', '2', '3'], active: '3' });
    lab.setActive('1');
    lab.closePane('1');
    expect(lab.getSnapshot()).toMatchObject({ panes: ['2', '3'], active: '2' });
    expect(lab.openPane()).toBe('1');
  });

  describe('run', () => {
    it('starts the lab, opens the pane, interrupts, then types the command', async () => {
      const server = fakeApi();
      const lab = new LabController({ api: server.api });
      server.setStatus({ state: 'starting' });
      const pane = fakePane();
      const done = lab.run('docker ps\ndocker images', { term: 2, interrupt: true });
      await vi.advanceTimersByTimeAsync(0);
      expect(server.calls).toEqual(['start']);
      server.setStatus({ state: 'ready' });
      await vi.advanceTimersByTimeAsync(1000);
      expect(lab.getSnapshot()).toMatchObject({ panes: ['1', '2'], active: '2', open: true });
      lab.registerPane('2', lab.getSnapshot().epoch, pane.handle);
      await vi.advanceTimersByTimeAsync(100);
      await done;
      expect(pane.sent).toEqual(['\x03', 'docker ps\rdocker images\r']);
      expect(lab.getSnapshot().announcement.text).toBe('Sent to terminal 2');
    });

    it('fails with the server message when the lab cannot start', async () => {
      const server = fakeApi();
      server.queue('start', { ok: false, offline: false, httpStatus: 403, code: 'origin', message: 'Origin refused.' });
      const lab = new LabController({ api: server.api });
      await expect(lab.run('ls', { term: 1 })).rejects.toThrow('Origin refused.');
    });

    it('does not type into a pane of a previous workspace', async () => {
      const server = fakeApi();
      server.setStatus({ state: 'ready' });
      const lab = new LabController({ api: server.api });
      await lab.start();
      const stale = fakePane();
      lab.registerPane('1', lab.getSnapshot().epoch, stale.handle);
      server.setStatus({ state: 'ended' });
      await lab.refresh();
      server.setStatus({ state: 'ready' });
      const fresh = fakePane();
      const done = lab.run('ls', { term: 1 });
      await vi.advanceTimersByTimeAsync(0);
      lab.registerPane('1', lab.getSnapshot().epoch, fresh.handle);
      await done;
      expect(stale.sent).toEqual([]);
      expect(fresh.sent).toEqual(['ls\r']);
    });

    it('queues runs so they never interleave', async () => {
      const server = fakeApi();
      server.setStatus({ state: 'ready' });
      const lab = new LabController({ api: server.api });
      await lab.start();
      const pane = fakePane();
      lab.registerPane('1', lab.getSnapshot().epoch, pane.handle);
      const a = lab.run('sleep 1', { term: 1, interrupt: true });
      const b = lab.run('echo b', { term: 1 });
      await vi.advanceTimersByTimeAsync(200);
      await Promise.all([a, b]);
      expect(pane.sent).toEqual(['\x03', 'sleep 1\r', 'echo b\r']);
    });
  });
});
