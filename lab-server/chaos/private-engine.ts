import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type Docker from 'dockerode';
import { createDockerClient } from '../runtime/docker-client';
import { stopChild } from './lab-process';
import { sleep } from './scale';

/**
 * A Docker engine of the test's own, so it can be stopped and started under a lab without
 * touching the machine's shared engine: its own data root, exec root (so its own managed
 * containerd), pid file and socket, its own cgroup parent, no iptables, and its own network
 * namespace (`unshare --net`): a second dockerd on the host's namespace deletes the host's
 * `docker0` — the shared engine's default bridge — when started with `--bridge=none`, and when
 * restarted over its own data root (it clears its stale default network by that name).
 */
export class PrivateEngine {
  readonly socket: string;
  readonly host: string;
  readonly docker: Docker;
  private child: ChildProcess | undefined;

  constructor(readonly root: string) {
    this.socket = path.join(root, 'docker.sock');
    this.host = `unix://${this.socket}`;
    this.docker = createDockerClient(this.host);
  }

  private args(): string[] {
    return [
      '--data-root', path.join(this.root, 'data'),
      '--exec-root', path.join(this.root, 'exec'),
      '--pidfile', path.join(this.root, 'docker.pid'),
      '-H', this.host,
      '--iptables=false', '--ip-masq=false', '--ip-forward=false',
      '--cgroup-parent=/lab-chaos-dockerd',
      '--default-address-pool', 'base=10.250.0.0/16,size=24',
      '--storage-driver', 'overlay2',
    ];
  }

  /** Starts dockerd and resolves with the ms until it answers a ping. */
  async start(timeoutMs = 60_000): Promise<number> {
    await fs.mkdir(this.root, { recursive: true });
    const log = createWriteStream(path.join(this.root, 'dockerd.log'), { flags: 'a' });
    const started = performance.now();
    // unshare execs dockerd in place, so signals reach dockerd itself.
    const child = spawn('unshare', ['--net', 'dockerd', ...this.args()], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`private dockerd exited with ${child.exitCode}; see ${path.join(this.root, 'dockerd.log')}`);
      if (await this.docker.ping().then(() => true, () => false)) return performance.now() - started;
      await sleep(100);
    }
    throw new Error('private dockerd did not answer');
  }

  /** SIGTERM is `systemctl restart docker`'s stop: containers are stopped, mounts undone. */
  stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    return stopChild(this.child, signal, 30_000);
  }

  /** Copies an image from the shared engine (images are built locally; nothing can be pulled here). */
  async loadImage(from: Docker, ref: string): Promise<void> {
    const exported = await from.getImage(ref).get();
    const loading = await this.docker.loadImage(exported as unknown as NodeJS.ReadableStream);
    loading.resume(); // the progress stream: drained, not read
    await finished(loading);
    await this.docker.getImage(ref).inspect();
  }

  /** Stops the engine and removes everything it had (its own directory only). */
  async destroy(): Promise<void> {
    await this.stop('SIGTERM');
    // Its log outlives it, for whoever reads the figures (and for a failed run).
    await fs.copyFile(path.join(this.root, 'dockerd.log'), path.join(path.dirname(path.dirname(this.root)), 'private-dockerd-last.log')).catch(() => undefined);
    // A mount left by an engine that did not stop cleanly would make rm fail; undo ours only.
    const mounts = await fs.readFile('/proc/self/mounts', 'utf8');
    for (const target of mounts.split('\n').map((line) => line.split(' ')[1] ?? '').filter((t) => t.startsWith(this.root + '/')).reverse()) {
      await new Promise((resolve) => spawn('umount', ['-l', target]).once('exit', resolve));
    }
    await fs.rm(this.root, { recursive: true, force: true });
  }
}
