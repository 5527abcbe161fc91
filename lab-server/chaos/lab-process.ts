import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { PROJECT_ROOT } from '../http/server';
import { createDockerClient } from '../runtime/docker-client';
import type { PracticeHarness } from '../testing/practice-harness';
import type { Learners } from './learners';
import { instanceIdFor, LABEL } from '../runtime/labels';
import { sleep } from './scale';

const ENTRY = path.join(PROJECT_ROOT, 'lab-server/chaos/fixtures/lab-process.ts');

/**
 * A lab server the test can SIGKILL and start again on the same port and data dir, as an
 * operator's process manager would. Its log goes to `<data-dir>/chaos-server.log`.
 */
export class LabProcess {
  private child: ChildProcess | undefined;
  readonly url: string;

  constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly extraArgs: string[] = [],
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the server and resolves with the ms until its health answers (any status: 503 means "up, engine down"). */
  async start(timeoutMs = 120_000): Promise<number> {
    if (await fetch(`${this.url}/api/lab/health`).then(() => true, () => false)) throw new Error(`port ${this.port} is already in use (CHAOS_PORT / CHAOS_ENGINE_PORT pick others)`);
    await fs.mkdir(this.dataDir, { recursive: true });
    const log = createWriteStream(path.join(this.dataDir, 'chaos-server.log'), { flags: 'a' });
    const started = performance.now();
    const args = ['--import', 'tsx', ENTRY, '--host', '127.0.0.1', '--port', String(this.port), '--data-dir', this.dataDir, '--log-level', 'info', ...this.extraArgs];
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`lab server exited with ${child.exitCode}; see ${path.join(this.dataDir, 'chaos-server.log')}`);
      if (await fetch(`${this.url}/api/lab/health`).then(() => true, () => false)) return performance.now() - started;
      await sleep(50);
    }
    throw new Error('lab server did not come up');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGKILL (a crash: nothing is cleaned up) or SIGTERM (a clean stop); resolves once it has exited. */
  stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    return stopChild(this.child, signal, 15_000);
  }
}

/** Sends `signal` and waits for the exit; a process still there after `graceMs` is SIGKILLed. */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await Promise.race([exited, sleep(graceMs)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Removes whatever the lab of `dataDir` left on the engine (its instance label only: never
 * anyone else's objects). A safety net after a test that killed its server on purpose.
 */
export async function removeInstanceObjects(docker: Docker, dataDir: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const filters = JSON.stringify({ label: [`${LABEL.instance}=${instanceIdFor(dataDir)}`] });
  const containers = await docker.listContainers({ all: true, filters });
  for (const c of containers) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  for (const v of volumes) await docker.getVolume(v.Name).remove({ force: true }).catch(() => undefined);
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}

/** The lab's workspace containers on the engine, per learner (the `lab.learner` label). */
export async function workspacesOnEngine(docker: Docker, dataDir: string): Promise<Map<string, string[]>> {
  const filters = JSON.stringify({ label: [`${LABEL.instance}=${instanceIdFor(dataDir)}`, `${LABEL.role}=workspace`] });
  const byLearner = new Map<string, string[]>();
  for (const c of await docker.listContainers({ all: true, filters })) {
    const learner = c.Labels[LABEL.learner] ?? '?';
    byLearner.set(learner, [...(byLearner.get(learner) ?? []), c.Id]);
  }
  return byLearner;
}

/**
 * Ends a chaos test's harness and learners, then removes whatever of its own is still on the
 * engine (its instance label only) and its data dir. Admissions stop first: a learner left
 * queued by the test would otherwise get a workspace the moment the others leave.
 */
export async function closeHarness(harness: PracticeHarness | undefined, others: Learners | undefined, dataDir: string): Promise<void> {
  harness?.lab.sessions.stop();
  await others?.close();
  await harness?.close();
  // A learner admitted from the queue just before (when a test ended a session) may still be
  // getting its workspace: sweep until two passes in a row find nothing.
  const docker = createDockerClient(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  for (let pass = 0, quiet = 0; quiet < 2 && pass < 20; pass++) {
    const left = await removeInstanceObjects(docker, dataDir);
    quiet = left.containers + left.networks + left.volumes === 0 ? quiet + 1 : 0;
    await sleep(1_500);
  }
  await fs.rm(dataDir, { recursive: true, force: true });
}
