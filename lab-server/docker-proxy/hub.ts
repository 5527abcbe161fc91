import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../log';
import type { ProxyHooks } from './call';
import { Engine, engineAddress } from './engine';
import { aliasPrefix } from './image-refs';
import { imagePath, readAll } from './engine';
import { LABEL } from '../runtime/labels';
import { listenForLearner, type LearnerListener } from './listener';
import { mountNoSymfollowView, unmountView } from './home-mount';
import { ownContainers, ownImages, ownNetworks, ownVolumes } from './resolve';
import { LEARNER_OBJECT_ROLE, makeTenant, type Tenant } from './tenant';
import { LabRegistry } from './registry';

/** Where the learner's socket appears inside their workspace (the directory is bind-mounted). */
export const WORKSPACE_SOCKET_DIR = '/run/lab-docker';
export const WORKSPACE_DOCKER_HOST = `unix://${WORKSPACE_SOCKET_DIR}/docker.sock`;

export interface DockerPracticeOptions {
  dataDir: string;
  dockerHost: string;
  instance: string;
  allowEgress: boolean;
  /** A learner's own answer (their workshop turned egress off), else allowEgress. Never more than allowEgress. */
  allowEgressFor?: (learnerId: string) => boolean | undefined;
  logger: Logger;
  workspaceContainer(learnerId: string): string | undefined;
}

/**
 * Docker practice for every learner: one proxy socket each, their home directory, and the
 * clean-up of everything they created when their lab ends.
 */
export class DockerPractice {
  readonly engine: Engine;
  readonly registry: LabRegistry;
  private readonly listeners = new Map<string, { key: string; listener: LearnerListener }>();
  private homesView: string | undefined;
  private readonly learnersDir: string;
  private readonly viewDir: string;

  constructor(private readonly options: DockerPracticeOptions) {
    this.engine = new Engine(engineAddress(options.dockerHost));
    this.registry = new LabRegistry(this.engine, options.instance);
    this.learnersDir = path.join(options.dataDir, 'learners');
    // Outside the data directory: a lab killed without closing leaves the mount behind, and a
    // mount inside the data directory would make `rm -rf` of it fail. /run is cleared at boot.
    this.viewDir = path.join(process.getuid?.() === 0 ? '/run/lab-nosymfollow' : path.join(os.tmpdir(), 'lab-nosymfollow'), options.instance);
  }

  async start(): Promise<void> {
    this.homesView = await mountNoSymfollowView(this.learnersDir, this.viewDir);
    if (!this.homesView) this.options.logger.warn('nosymfollow mounts are unavailable (not root?): learners cannot bind-mount their home directory');
  }

  /** Directories of workspace `key` (the learner id, or the pool id of a claimed warm workspace). */
  paths(key: string) {
    const root = path.join(this.learnersDir, key);
    return { root, home: path.join(root, 'home'), socketDir: path.join(root, 'docker'), socket: path.join(root, 'docker', 'docker.sock') };
  }

  /** The key of the workspace a learner is attached to (their own id unless they claimed a pool workspace). */
  keyOf(learnerId: string): string {
    return this.listeners.get(learnerId)?.key ?? learnerId;
  }

  tenant(learnerId: string, key = this.keyOf(learnerId)): Tenant {
    return makeTenant(this.options.instance, learnerId, {
      workspaceKey: key,
      ...(this.homesView ? { homeSource: path.join(this.homesView, key, 'home'), socketSource: path.join(this.homesView, key, 'docker', 'docker.sock') } : {}),
      allowEgress: this.options.allowEgress && (this.options.allowEgressFor?.(learnerId) ?? true),
    });
  }

  /** Before a workspace starts: its home and socket directories, and how the workspace mounts them. */
  async prepare(key: string, seedHome: Record<string, string>): Promise<{ binds: string[]; env: string[] }> {
    const { home, socketDir } = this.paths(key);
    await fs.mkdir(home, { recursive: true, mode: 0o700 });
    await fs.mkdir(socketDir, { recursive: true, mode: 0o755 });
    for (const [name, content] of Object.entries(seedHome)) await fs.writeFile(path.join(home, name), content, { flag: 'wx' }).catch(() => undefined);
    return {
      binds: [`${home}:/root`, `${socketDir}:${WORKSPACE_SOCKET_DIR}`],
      env: [`DOCKER_HOST=${WORKSPACE_DOCKER_HOST}`, 'DOCKER_BUILDKIT=0', 'COMPOSE_DOCKER_CLI_BUILD=0'],
    };
  }

  /** A learner owns workspace `key` (new, claimed or re-adopted): their socket opens in its directory. */
  async listen(learnerId: string, key = learnerId): Promise<void> {
    const existing = this.listeners.get(learnerId);
    if (existing?.key === key) return;
    if (existing) await existing.listener.close();
    const { socketDir, socket } = this.paths(key);
    await fs.mkdir(socketDir, { recursive: true, mode: 0o755 });
    const hooks: ProxyHooks = {
      registry: this.registry,
      workspaceContainer: () => this.options.workspaceContainer(learnerId),
      execInWorkspace: async (cmd, options) => {
        const containerId = this.options.workspaceContainer(learnerId);
        if (containerId) await this.execIn(containerId, cmd, options?.detach === true);
      },
    };
    const listener = await listenForLearner(socket, this.tenant(learnerId, key), this.engine, hooks, this.options.logger);
    this.listeners.set(learnerId, { key, listener });
  }

  /** The learner's socket path on the host (what their workspace sees as /var/run/docker.sock). */
  socketPathOf(learnerId: string): string {
    return this.paths(this.keyOf(learnerId)).socket;
  }

  /** A workspace nobody owned went away: its directories go too. */
  async discard(key: string): Promise<void> {
    await fs.rm(this.paths(key).root, { recursive: true, force: true }).catch(() => undefined);
  }

  /** The lab ended for this learner: their socket closes, every object they made is removed, and their directories. */
  async release(learnerId: string, key = this.keyOf(learnerId)): Promise<void> {
    await this.listeners.get(learnerId)?.listener.close();
    this.listeners.delete(learnerId);
    await this.removeObjects(learnerId, key).catch((error: unknown) => this.options.logger.warn({ err: error, learnerId }, 'could not remove all of a learner’s Docker objects'));
    await this.discard(key);
  }

  async removeObjects(learnerId: string, key = this.keyOf(learnerId)): Promise<void> {
    const tenant = this.tenant(learnerId, key);
    const drain = async (method: string, url: string) => (await this.engine.request(method, url)).stream.resume();
    for (const c of await ownContainers(this.engine, tenant)) await drain('DELETE', `/containers/${c.Id}?force=1&v=1`);
    for (const n of await ownNetworks(this.engine, tenant)) {
      // What is still attached once the learner's containers are gone is their workspace (for forwarders).
      const attached = await this.engine.json<{ Containers?: Record<string, unknown> | null }>('GET', `/networks/${n.Id}`).catch(() => ({ Containers: {} }));
      for (const id of Object.keys(attached.Containers ?? {})) {
        await (await this.engine.request('POST', `/networks/${n.Id}/disconnect`, { body: Buffer.from(JSON.stringify({ Container: id, Force: true })), headers: { 'Content-Type': 'application/json' } })).stream.resume();
      }
      await drain('DELETE', `/networks/${n.Id}`);
    }
    for (const v of await ownVolumes(this.engine, tenant)) await drain('DELETE', `/volumes/${encodeURIComponent(v.Name)}?force=1`);
    const prefix = aliasPrefix(tenant);
    for (const image of await ownImages(this.engine, tenant)) {
      for (const tag of image.RepoTags ?? []) if (tag.startsWith(prefix)) await drain('DELETE', `/images/${imagePath(tag)}`);
    }
  }

  private async execIn(containerId: string, cmd: string[], detach: boolean): Promise<void> {
    const exec = await this.engine.json<{ Id: string }>('POST', `/containers/${containerId}/exec`, { Cmd: cmd, AttachStdout: !detach, AttachStderr: !detach });
    const answer = await this.engine.request('POST', `/exec/${exec.Id}/start`, { body: Buffer.from(JSON.stringify({ Detach: detach, Tty: false })), headers: { 'Content-Type': 'application/json' } });
    await readAll(answer.stream, 1 << 20);
  }

  /** Objects left by learners who no longer have a workspace (a crash between steps): removed. */
  async reap(liveLearners: Set<string>): Promise<void> {
    const filters = JSON.stringify({ label: [`${LABEL.managed}=1`, `${LABEL.instance}=${this.options.instance}`, `${LABEL.role}=${LEARNER_OBJECT_ROLE}`] });
    const owners = new Set<string>();
    for (const c of await this.engine.json<Array<{ Labels: Record<string, string> }>>('GET', `/containers/json?all=1&filters=${encodeURIComponent(filters)}`)) owners.add(c.Labels[LABEL.learner] ?? '');
    for (const n of await this.engine.json<Array<{ Labels: Record<string, string> | null }>>('GET', `/networks?filters=${encodeURIComponent(filters)}`)) owners.add(n.Labels?.[LABEL.learner] ?? '');
    const volumes = await this.engine.json<{ Volumes: Array<{ Labels: Record<string, string> | null }> | null }>('GET', `/volumes?filters=${encodeURIComponent(filters)}`);
    for (const v of volumes.Volumes ?? []) owners.add(v.Labels?.[LABEL.learner] ?? '');
    for (const learnerId of owners) if (learnerId && !liveLearners.has(learnerId)) await this.removeObjects(learnerId);
    for (const learnerId of this.listeners.keys()) if (!liveLearners.has(learnerId)) await this.release(learnerId);
  }

  /** Learners with a socket (for clean-up of learners whose workspace vanished). */
  learners(): string[] {
    return [...this.listeners.keys()];
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners.values()].map((l) => l.listener.close()));
    this.listeners.clear();
    this.engine.close();
    if (this.homesView) await unmountView(this.homesView);
  }
}
