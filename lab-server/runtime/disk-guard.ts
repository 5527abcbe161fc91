import { spawn } from 'node:child_process';
import type Docker from 'dockerode';
import type { Logger } from '../log';
import { LABEL } from './labels';

export interface DiskUsage {
  learnerId: string;
  bytes: number;
  /** Writable layers of the workspace and the learner's containers, their volumes, their images' own layers, their home directory. */
  parts: { containers: number; volumes: number; images: number; home: number };
}

export interface GuardedLearner {
  learnerId: string;
  /** The workspace's key on the engine (the learner id, or the pool id of a claimed warm workspace). */
  key: string;
  /** Their home directory on the host (bind-mounted into the workspace), if any. */
  home?: string;
  /** The repository prefix of the learner's own image tags on the engine (Docker practice), if any. */
  imagePrefix?: string;
}

export interface DiskGuardOptions {
  instance: string;
  limitBytes: number;
  everyMs?: number;
  learners(): GuardedLearner[];
  /** Called once per measurement for each learner over the limit. */
  onOver(learnerId: string, usage: DiskUsage): Promise<void>;
  logger: Logger;
}

/** Bytes a directory tree takes on disk (`du`; 0 when it does not exist or cannot be read). */
export function diskUsageOf(directory: string): Promise<number> {
  return new Promise((resolve) => {
    const du = spawn('du', ['-s', '--block-size=1', '-x', directory], { stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    du.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    du.once('error', () => resolve(0));
    du.once('close', () => resolve(Number(/^(\d+)/.exec(output)?.[1] ?? 0)));
  });
}

/**
 * No quota stops a learner from filling the engine's disk from inside their lab (overlay2 on
 * ext4 has no per-container size limit, volumes and bind mounts have none either), so this
 * watchdog measures what each learner's lab takes — the writable layers of their workspace and
 * containers, their volumes, the layers their own images add, their home directory — every 30 s, and hands anyone over the limit
 * to `onOver` (the lab ends their session, which removes all of it). A fill faster than the
 * interval can overshoot the limit by what can be written in 30 s; the limit should leave room.
 */
export class DiskGuard {
  private timer: NodeJS.Timeout | undefined;
  private measuring = false;

  constructor(
    private readonly docker: Docker,
    private readonly options: DiskGuardOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.options.everyMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Measures every learner with a lab and acts on those over the limit; returns the measurements. */
  async check(): Promise<DiskUsage[]> {
    if (this.measuring) return [];
    this.measuring = true;
    try {
      const usage = await this.measure();
      for (const entry of usage) {
        if (entry.bytes <= this.options.limitBytes) continue;
        this.options.logger.warn({ learnerId: entry.learnerId, bytes: entry.bytes, parts: entry.parts }, 'lab over its disk limit: ending it');
        await this.options.onOver(entry.learnerId, entry).catch((error: unknown) => this.options.logger.warn({ err: error }, 'could not end a lab over its disk limit'));
      }
      return usage;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'disk guard could not measure');
      return [];
    } finally {
      this.measuring = false;
    }
  }

  private async measure(): Promise<DiskUsage[]> {
    const learners = this.options.learners();
    if (learners.length === 0) return [];
    const byOwner = new Map<string, string>();
    for (const learner of learners) {
      byOwner.set(learner.learnerId, learner.learnerId);
      byOwner.set(learner.key, learner.learnerId);
    }
    const totals = new Map(learners.map((learner) => [learner.learnerId, { containers: 0, volumes: 0, images: 0, home: 0 }]));
    const filters = JSON.stringify({ label: [`${LABEL.instance}=${this.options.instance}`] });
    const containers = await this.docker.listContainers({ all: true, size: true, filters });
    for (const container of containers) {
      const owner = byOwner.get(container.Labels[LABEL.learner] ?? '');
      if (owner) totals.get(owner)!.containers += (container as { SizeRw?: number }).SizeRw ?? 0;
    }
    const { Volumes: volumes } = await this.docker.listVolumes({ filters });
    for (const volume of volumes ?? []) {
      const owner = byOwner.get(volume.Labels?.[LABEL.learner] ?? '');
      if (owner) totals.get(owner)!.volumes += await diskUsageOf(volume.Mountpoint);
    }
    const prefixed = learners.filter((learner) => learner.imagePrefix);
    if (prefixed.length > 0) {
      // all: intermediate images too, so a built image's parent (an untagged build step) is found.
      const images = await this.docker.listImages({ all: true });
      const sizeById = new Map(images.map((image) => [image.Id, image.Size]));
      for (const image of images) {
        const tags = image.RepoTags ?? [];
        const owner = prefixed.find((learner) => tags.length > 0 && tags.every((tag) => tag.startsWith(learner.imagePrefix!)));
        // Only what the learner's image adds over its parent; an image also tagged by others (the catalog's) is shared.
        if (owner) totals.get(owner.learnerId)!.images += Math.max(0, image.Size - (sizeById.get(image.ParentId) ?? 0));
      }
    }
    for (const learner of learners) if (learner.home) totals.get(learner.learnerId)!.home = await diskUsageOf(learner.home);
    return [...totals].map(([learnerId, parts]) => ({ learnerId, bytes: parts.containers + parts.volumes + parts.images + parts.home, parts }));
  }
}
