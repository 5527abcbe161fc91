import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { EXTENSION_MS, SessionManager } from './manager';

/** A stand-in for the engine: enough of dockerode for the manager's bookkeeping, nothing more. */
function fakeDocker() {
  const containers = new Map<string, { id: string; labels: Record<string, string>; running: boolean }>();
  let next = 0;
  const docker = {
    createNetwork: async () => ({}),
    createContainer: async (options: { name: string; Labels: Record<string, string> }) => {
      const id = `c${++next}`;
      containers.set(options.name, { id, labels: options.Labels, running: false });
      return { id, start: async () => void (containers.get(options.name)!.running = true) };
    },
    getContainer: (name: string) => ({
      remove: async () => void containers.delete(name),
      inspect: async () => ({ State: { Running: true, OOMKilled: false } }),
    }),
    getNetwork: () => ({ remove: async () => undefined }),
    listContainers: async () => [...containers.values()].map((c) => ({ Id: c.id, Labels: c.labels, State: c.running ? 'running' : 'exited' })),
    listNetworks: async () => [],
  };
  return { docker: docker as unknown as Docker, containers };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const dataDirs: string[] = [];

function manager(env: Record<string, string>) {
  // A data directory of its own: the manager keeps extensions and warm-pool claims there.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lab-unit-'));
  dataDirs.push(dataDir);
  const config = loadConfig([], { LAB_DATA_DIR: dataDir, ...env }, '/');
  const { docker, containers } = fakeDocker();
  return { sessions: new SessionManager(docker, config, 'lab/workspace:test', createLogger('silent', false)), containers, config };
}

describe('SessionManager', () => {
  afterEach(() => {
    vi.useRealTimers();
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('queues learners beyond capacity with their position, and admits them when a seat frees', async () => {
    const { sessions } = manager({ LAB_MAX_WORKSPACES: '1' });
    expect(sessions.request('a'.repeat(32), '10.0.0.1').state).toBe('starting');
    await settle();
    expect(sessions.status('a'.repeat(32)).state).toBe('ready');
    expect(sessions.request('b'.repeat(32), '10.0.0.2')).toMatchObject({ state: 'queued', queuePosition: 1 });
    expect(sessions.request('c'.repeat(32), '10.0.0.3')).toMatchObject({ state: 'queued', queuePosition: 2 });
    await sessions.end('a'.repeat(32));
    await settle();
    expect(sessions.status('b'.repeat(32)).state).toBe('ready');
    expect(sessions.status('c'.repeat(32))).toMatchObject({ state: 'queued', queuePosition: 1 });
    expect(sessions.status('a'.repeat(32))).toMatchObject({ state: 'ended' });
  });

  it('drops queued learners who stopped asking (closed tab), so the queue moves', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval'] });
    const { sessions } = manager({ LAB_MAX_WORKSPACES: '1' });
    sessions.request('a'.repeat(32), 'ip1');
    await vi.waitFor(() => expect(sessions.status('a'.repeat(32)).state).toBe('ready'));
    sessions.request('b'.repeat(32), 'ip2');
    sessions.request('c'.repeat(32), 'ip3');
    await sessions.start(1000);
    for (let i = 0; i < 40; i++) {
      vi.advanceTimersByTime(1000);
      expect(sessions.status('c'.repeat(32)).state).toBe('queued'); // c keeps polling; b has gone away
    }
    await vi.waitFor(() => expect(sessions.status('c'.repeat(32))).toMatchObject({ queuePosition: 1 }));
    expect(sessions.status('b'.repeat(32)).state).toBe('none');
    sessions.stop();
  });

  it('caps workspaces per client address', async () => {
    const { sessions } = manager({ LAB_MAX_WORKSPACES_PER_IP: '2' });
    for (const id of ['1', '2']) expect(sessions.request(id.repeat(32), '192.0.2.7').state).toBe('starting');
    expect(sessions.request('3'.repeat(32), '192.0.2.7').state).toBe('queued');
    expect(sessions.request('4'.repeat(32), '192.0.2.8').state).toBe('starting');
  });

  it('asking again does not start a second workspace', async () => {
    const { sessions, containers } = manager({});
    sessions.request('d'.repeat(32), 'ip');
    sessions.request('d'.repeat(32), 'ip');
    await settle();
    expect(containers.size).toBe(1);
  });

  it('extends in 30-minute steps up to the maximum lifetime', async () => {
    const { sessions } = manager({ LAB_TTL_MINUTES: '60', LAB_MAX_TTL_MINUTES: '100' });
    const learner = 'e'.repeat(32);
    sessions.request(learner, 'ip');
    await settle();
    const before = sessions.status(learner).expiresAt!;
    const once = sessions.extend(learner);
    expect(once.expiresAt! - before).toBeGreaterThanOrEqual(EXTENSION_MS - 50);
    expect(once.canExtend).toBe(true);
    const twice = sessions.extend(learner);
    expect(twice.canExtend).toBe(false);
    expect(sessions.extend(learner).expiresAt).toBe(twice.expiresAt);
  });

  it('ends idle and expired workspaces on its sweep, saying why', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval'] });
    const { sessions } = manager({ LAB_IDLE_TIMEOUT_MINUTES: '30', LAB_TTL_MINUTES: '120' });
    const idle = 'f'.repeat(32);
    const busy = '0'.repeat(32);
    sessions.request(idle, 'ip1');
    sessions.request(busy, 'ip2');
    await vi.waitFor(() => expect(sessions.status(busy).state).toBe('ready'));
    const ended: string[] = [];
    sessions.on('ended', (id, reason) => ended.push(`${id.slice(0, 1)}:${reason}`));
    await sessions.start(1000);
    vi.advanceTimersByTime(29 * 60_000);
    sessions.touch(busy);
    vi.advanceTimersByTime(2 * 60_000);
    await vi.waitFor(() => expect(ended).toEqual(['f:idle']));
    expect(sessions.status(idle).message).toMatch(/without input/);
    expect(sessions.status(busy).state).toBe('ready');
    sessions.stop();
  });

  it('says why a workspace stopped under it: out of memory, or its container gone', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval'] });
    const { sessions, containers } = manager({ LAB_WORKSPACE_MEMORY_MB: '256' });
    const hog = '1'.repeat(32);
    const removed = '2'.repeat(32);
    sessions.request(hog, 'ip1');
    sessions.request(removed, 'ip2');
    await vi.waitFor(() => expect(sessions.status(removed).state).toBe('ready'));
    await sessions.markExited(hog, true);
    expect(sessions.status(hog)).toMatchObject({ state: 'ended', message: expect.stringMatching(/ran out of memory \(its limit is 256 MiB\)/) });
    for (const [name, c] of containers) if (c.labels['lab.learner'] === removed) containers.delete(name);
    await sessions.start(1000);
    vi.advanceTimersByTime(1000);
    await vi.waitFor(() => expect(sessions.status(removed)).toMatchObject({ state: 'ended', message: expect.stringMatching(/container exited or was removed/) }));
    sessions.stop();
  });

  it('keeps a warm pool within the global cap: starts claim from it at once, then the queue takes over', async () => {
    const { sessions } = manager({ LAB_WARM_POOL: '2', LAB_MAX_WORKSPACES: '3' });
    await sessions.start(60_000);
    await vi.waitFor(() => expect(sessions.warmWorkspaces).toBe(2));
    expect(sessions.request('a'.repeat(32), 'ip1').state).toBe('ready'); // claimed, nothing to boot
    await vi.waitFor(() => expect(sessions.warmWorkspaces).toBe(2)); // 1 claimed + 2 warm = the cap
    expect(sessions.request('b'.repeat(32), 'ip2').state).toBe('ready');
    await settle();
    expect(sessions.warmWorkspaces).toBe(1); // 2 claimed + 1 warm: no room for another
    expect(sessions.request('c'.repeat(32), 'ip3').state).toBe('ready');
    expect(sessions.request('d'.repeat(32), 'ip4')).toMatchObject({ state: 'queued', queuePosition: 1 });
    await sessions.end('a'.repeat(32));
    await vi.waitFor(() => expect(sessions.status('d'.repeat(32)).state).toBe('ready'));
    sessions.stop();
  });

  it('says so plainly when Docker has no address pool left for another network', async () => {
    const { sessions } = manager({});
    const docker = (sessions as unknown as { docker: { createNetwork: () => Promise<unknown> } }).docker;
    docker.createNetwork = () =>
      Promise.reject(Object.assign(new Error('(HTTP code 400) unexpected - could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network'), { statusCode: 400 }));
    sessions.request('e'.repeat(32), 'ip1');
    await vi.waitFor(() => expect(sessions.status('e'.repeat(32))).toMatchObject({ state: 'error', message: expect.stringMatching(/no network addresses left/) }));
  });
});
