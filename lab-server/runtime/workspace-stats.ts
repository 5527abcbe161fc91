import type Docker from 'dockerode';
import type { Logger } from '../log';

export interface WorkspaceUsage {
  cpuPercent?: number;
  memoryMb: number;
  sampledAt: number;
}

interface Sample {
  cpuTotal: number;
  systemTotal: number;
  onlineCpus: number;
}

interface StatsBody {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  memory_stats?: { usage?: number; stats?: { total_inactive_file?: number; inactive_file?: number; cache?: number } };
}

/**
 * CPU and memory of the workspaces an instructor is watching. One-shot stats per container
 * (no two-second wait for the engine's own second sample), a few at a time; CPU comes from
 * the difference between our consecutive samples. Only runs while someone asks for it.
 */
export class WorkspaceStats {
  private readonly usage = new Map<string, WorkspaceUsage>();
  private readonly previous = new Map<string, Sample>();
  private wanted = new Set<string>();
  private readonly watchers = new Map<string, string[]>();
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  constructor(
    private readonly docker: Docker,
    private readonly logger: Logger,
    private readonly everyMs = 3_000,
    private readonly concurrency = 4,
  ) {}

  /** The containers one watcher (a workshop's console) wants sampled; sampling stops when nobody wants any. */
  watch(watcher: string, containerIds: string[]): void {
    if (containerIds.length === 0) this.watchers.delete(watcher);
    else this.watchers.set(watcher, containerIds);
    this.update();
  }

  unwatch(watcher: string): void {
    this.watchers.delete(watcher);
    this.update();
  }

  private update(): void {
    this.wanted = new Set([...this.watchers.values()].flat());
    for (const id of this.usage.keys()) if (!this.wanted.has(id)) this.forget(id);
    if (this.wanted.size > 0 && !this.timer) {
      this.timer = setInterval(() => void this.sampleAll(), this.everyMs);
      this.timer.unref();
      void this.sampleAll();
    } else if (this.wanted.size === 0) {
      this.stop();
    }
  }

  of(containerId: string): WorkspaceUsage | undefined {
    return this.usage.get(containerId);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.watchers.clear();
    this.stop();
  }

  private forget(id: string): void {
    this.usage.delete(id);
    this.previous.delete(id);
  }

  private async sampleAll(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const queue = [...this.wanted];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await this.sampleOne(id);
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    } finally {
      this.sampling = false;
    }
  }

  private async sampleOne(containerId: string): Promise<void> {
    let body: StatsBody;
    try {
      body = (await this.docker.getContainer(containerId).stats({ stream: false, 'one-shot': true } as { stream: false })) as StatsBody;
    } catch (error) {
      this.logger.debug({ err: error, containerId }, 'no stats for workspace');
      this.forget(containerId);
      return;
    }
    const memory = body.memory_stats;
    const inactive = memory?.stats?.total_inactive_file ?? memory?.stats?.inactive_file ?? memory?.stats?.cache ?? 0;
    const sample: Sample = {
      cpuTotal: body.cpu_stats?.cpu_usage?.total_usage ?? 0,
      systemTotal: body.cpu_stats?.system_cpu_usage ?? 0,
      onlineCpus: body.cpu_stats?.online_cpus ?? 1,
    };
    const before = this.previous.get(containerId);
    let cpuPercent: number | undefined;
    if (before && sample.systemTotal > before.systemTotal) {
      // Share of all host CPUs, scaled to "percent of one core" like `docker stats`.
      cpuPercent = ((sample.cpuTotal - before.cpuTotal) / (sample.systemTotal - before.systemTotal)) * sample.onlineCpus * 100;
      cpuPercent = Math.max(0, Math.round(cpuPercent * 10) / 10);
    }
    this.previous.set(containerId, sample);
    if (!this.wanted.has(containerId)) return;
    this.usage.set(containerId, {
      ...(cpuPercent !== undefined ? { cpuPercent } : {}),
      memoryMb: Math.round((Math.max(0, (memory?.usage ?? 0) - inactive) / 1024 / 1024) * 10) / 10,
      sampledAt: Date.now(),
    });
  }
}
