import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import type { LabConfig } from '../config';
import type { Logger } from '../log';
import type { SessionStatus } from '../protocol/session';
import { instanceIdFor, LABEL } from '../runtime/labels';
import { ADDRESS_POOLS_FULL } from '../runtime/address-pool';
import { createWorkspace, listLabNetworks, listWorkspaces, removeWorkspace } from '../runtime/workspaces';
import { ClaimStore } from './claims';

const MINUTE = 60_000;
export const EXTENSION_MS = 30 * MINUTE;
export const IDLE_WARNING_MS = 5 * MINUTE;
/** How long an ended session's reason is remembered, so the page can say why. */
const ENDED_MEMORY_MS = 60 * MINUTE;
/** A queued learner who has not asked for their status this long (tab closed) leaves the queue. */
export const QUEUE_STALE_MS = 30_000;

export type EndReason = 'ended' | 'expired' | 'idle' | 'reset' | 'exited' | 'oom' | 'removed' | 'workshop-ended' | 'disk';

/**
 * What differs for one learner's workspace from the server's defaults (a workshop's settings).
 * Read when the workspace starts and when it is extended.
 */
export interface WorkspacePolicy {
  memoryMb: number;
  cpus: number;
  allowEgress: boolean;
  /** The workspace lives until this time (the workshop's end) instead of the TTL, and a learner's own extensions stop there. */
  deadline: number;
  /** A class behind one NAT address: the per-address limit does not apply. */
  ignoreIpLimit: boolean;
  /** Workspaces reserved for this group (see reserve()) are claimed first. */
  group?: string;
}

/** The settings of workspaces started ahead for a group. */
export interface ReserveSettings {
  memoryMb: number;
  cpus: number;
  allowEgress: boolean;
}

/**
 * What other parts of the lab do around a workspace's life (Docker practice: socket, home,
 * clean-up). `key` names the workspace on the engine: the learner id, or the pool id of a
 * warm-pool workspace a learner claimed.
 */
export interface WorkspaceHooks {
  /** Before a workspace container is created (for a learner or for the pool): its extra mounts and environment. */
  prepare(key: string): Promise<{ binds: string[]; env: string[] }>;
  /** A learner now owns workspace `key` (started, claimed from the pool, or re-adopted after a restart). */
  attached(learnerId: string, key: string): Promise<void>;
  /** The learner's workspace is going away: remove what belonged to it (before the container and network). */
  ended(learnerId: string, key: string): Promise<void>;
  /** A workspace nobody owned (a pool member) was removed. */
  discarded(key: string): Promise<void>;
  /** Periodic: remove anything left for learners that have no workspace. */
  reap(liveLearners: Set<string>): Promise<void>;
}

interface WorkspaceRecord {
  learnerId: string;
  clientIp: string;
  state: 'starting' | 'ready' | 'error';
  containerId?: string;
  createdAt: number;
  expiresAt: number;
  lastActivityAt: number;
  error?: string;
  /** Set when the workspace came from the warm pool: its Docker objects are named after this id, not the learner. */
  poolId?: string;
}

interface PoolMember {
  poolId: string;
  containerId: string;
}

const endMessages = (config: LabConfig): Record<EndReason, string> => ({
  ended: 'You ended this lab. Start it again for a fresh workspace.',
  expired: 'This lab reached its time limit and was removed. Start it again for a fresh workspace.',
  idle: `This lab was stopped after ${config.idleTimeoutMinutes} minutes without input. Start it again for a fresh workspace.`,
  reset: 'The workspace is being replaced by a fresh one.',
  exited: 'Your workspace stopped: its container exited or was removed. Start a new lab for a fresh workspace.',
  oom: `Your workspace ran out of memory (its limit is ${config.workspaceMemoryMb} MiB) and stopped. Start a new lab for a fresh workspace.`,
  removed: 'Your instructor removed you from the workshop, and your workspace with it. Your progress is kept.',
  disk: `Your lab took more disk space than a lab may (${config.workspaceDiskMb} MiB: containers, volumes and files together) and was stopped, with all of it, so the machine's disk cannot fill. Start it again for a fresh workspace.`,
  'workshop-ended': 'The workshop has ended and its workspaces were removed. Your progress is kept; you can go on with the guide and start a lab of your own.',
});

/**
 * Owns every learner's workspace: starts it (or queues the learner when the lab is full),
 * extends, resets and ends it, stops it when idle or expired, and on start-up re-adopts what a
 * previous run left on the engine — the engine's labels are the source of truth.
 */
export class SessionManager extends EventEmitter<{ ended: [learnerId: string, reason: EndReason] }> {
  private readonly records = new Map<string, WorkspaceRecord>();
  private readonly queue: Array<{ learnerId: string; clientIp: string; seenAt: number }> = [];
  private readonly ended = new Map<string, { reason: EndReason; at: number }>();
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Warm workspaces nobody has claimed yet, oldest first. */
  private readonly pool: PoolMember[] = [];
  private readonly poolCreating = new Set<string>();
  /** Workspaces started ahead for a group (a workshop), claimed only by its learners: group → members, oldest first. */
  private readonly reserved = new Map<string, PoolMember[]>();
  /** Workspace keys whose end is under way: the sweep must not take their half-removed objects for orphans. */
  private readonly ending = new Set<string>();
  private filling = false;
  private stopped = false;
  private readonly claims: ClaimStore;
  private policyFor: (learnerId: string) => WorkspacePolicy | undefined = () => undefined;
  readonly instance: string;

  constructor(
    private readonly docker: Docker,
    private readonly config: LabConfig,
    private readonly image: string,
    private readonly logger: Logger,
    private readonly hooks?: WorkspaceHooks,
  ) {
    super();
    this.instance = instanceIdFor(config.dataDir);
    this.claims = new ClaimStore(config.dataDir);
  }

  /** Re-adopts labelled workspaces, reaps the ones that cannot be adopted, and starts the timers. */
  async start(sweepEveryMs = 15_000): Promise<void> {
    const now = Date.now();
    const claimed = new Set<string>();
    for (const workspace of await listWorkspaces(this.docker, this.instance, { all: true })) {
      if (workspace.labels[LABEL.pool] === '1') {
        // A warm-pool workspace: its owner, if any, is in the data directory (labels are fixed at creation).
        const poolId = workspace.learnerId;
        const claim = this.claims.get(poolId);
        const running = workspace.state === 'running';
        const group = workspace.labels[LABEL.poolGroup];
        if (running && claim && claim.expiresAt > now && !this.records.has(claim.learnerId)) {
          this.records.set(claim.learnerId, { ...claim, state: 'ready', containerId: workspace.id, lastActivityAt: now, poolId });
          claimed.add(poolId);
          await this.hooks?.attached(claim.learnerId, poolId).catch((error: unknown) => this.logger.warn({ err: error, learnerId: claim.learnerId }, 'could not restore Docker practice'));
        } else if (running && !claim && group) {
          // Started ahead for a workshop: kept for it (the workshop service releases the rest when it ends).
          this.reservedFor(group).push({ poolId, containerId: workspace.id });
        } else if (running && !claim && this.pool.length < this.config.warmPool) {
          this.pool.push({ poolId, containerId: workspace.id });
        } else {
          await this.discard(poolId);
        }
        continue;
      }
      // An extension moved the deadline after the label was written: the data directory has the later one.
      const extended = this.claims.get(workspace.learnerId)?.expiresAt ?? 0;
      const expiresAt = Math.max(Number(workspace.labels[LABEL.expiresAt]), extended);
      if (workspace.state !== 'running' || !Number.isFinite(expiresAt) || expiresAt <= now || !workspace.learnerId) {
        if (workspace.learnerId) await this.hooks?.ended(workspace.learnerId, workspace.learnerId).catch(() => undefined);
        await removeWorkspace(this.docker, this.instance, workspace.learnerId).catch(() => undefined);
        continue;
      }
      await this.hooks?.attached(workspace.learnerId, workspace.learnerId).catch((error: unknown) => this.logger.warn({ err: error, learnerId: workspace.learnerId }, 'could not restore Docker practice'));
      this.records.set(workspace.learnerId, {
        learnerId: workspace.learnerId,
        clientIp: workspace.labels[LABEL.clientIp] ?? '',
        state: 'ready',
        containerId: workspace.id,
        createdAt: Date.parse(workspace.labels[LABEL.createdAt] ?? '') || now,
        expiresAt,
        lastActivityAt: now,
      });
      claimed.add(workspace.learnerId);
    }
    this.claims.retain(claimed);
    await this.reapOrphanNetworks();
    if (this.records.size > 0) this.logger.info({ adopted: this.records.size }, 're-adopted running workspaces');
    this.sweepTimer = setInterval(() => void this.sweep(), sweepEveryMs);
    this.sweepTimer.unref();
    void this.fillPool();
  }

  private reservedFor(group: string): PoolMember[] {
    let members = this.reserved.get(group);
    if (!members) this.reserved.set(group, (members = []));
    return members;
  }

  private get reservedCount(): number {
    let count = 0;
    for (const members of this.reserved.values()) count += members.length;
    return count;
  }

  /** Unclaimed workspaces started ahead for a group. */
  reservedWorkspaces(group: string): number {
    return this.reserved.get(group)?.length ?? 0;
  }

  /**
   * Starts workspaces ahead for a group (a workshop about to begin), with its settings, one at a
   * time so the machine stays responsive, while `wanted()` (seats still free) exceeds the unclaimed
   * ones; its learners then claim one instead of waiting for a container to boot while the whole
   * class joins at once. Within --max-workspaces.
   */
  async reserve(group: string, wanted: () => number, settings: ReserveSettings): Promise<number> {
    const members = this.reservedFor(group);
    let started = 0;
    while (!this.stopped && this.reserved.get(group) === members && members.length < wanted()) {
      if (this.records.size + this.pool.length + this.poolCreating.size + this.reservedCount >= this.config.maxWorkspaces) break;
      const member = await this.createPoolMember(settings, group);
      if (!member) break;
      if (this.reserved.get(group) !== members || this.stopped) {
        await this.discard(member.poolId); // released while it was starting
        break;
      }
      members.push(member);
      started++;
    }
    return started;
  }

  /** The group no longer needs its unclaimed workspaces (the workshop ended). */
  async release(group: string): Promise<void> {
    const members = this.reserved.get(group);
    this.reserved.delete(group);
    for (const member of members ?? []) await this.discard(member.poolId);
  }

  /** Where per-learner settings come from (workshops). */
  setPolicy(policyFor: (learnerId: string) => WorkspacePolicy | undefined): void {
    this.policyFor = policyFor;
  }

  /** Stops the timers and the pool's refilling. Workspaces stay on the engine for the next start to adopt. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.sweepTimer);
  }

  /** Warm workspaces ready to be claimed. */
  get warmWorkspaces(): number {
    return this.pool.length;
  }

  /** Removes every unclaimed warm workspace (tests, or an operator turning the pool off). */
  async drainPool(): Promise<void> {
    for (const member of this.pool.splice(0)) await this.discard(member.poolId);
  }

  get running(): number {
    return this.records.size;
  }

  status(learnerId: string): SessionStatus {
    const record = this.records.get(learnerId);
    if (record) return this.describe(record);
    const position = this.queue.findIndex((entry) => entry.learnerId === learnerId);
    if (position >= 0) this.queue[position]!.seenAt = Date.now();
    if (position >= 0) return { state: 'queued', queuePosition: position + 1, message: `The lab is full; you are number ${position + 1} in the queue.` };
    const ended = this.ended.get(learnerId);
    if (ended && Date.now() - ended.at < ENDED_MEMORY_MS) return { state: 'ended', message: endMessages(this.config)[ended.reason] };
    return { state: 'none' };
  }

  /** Starts the learner's workspace if they have none (or queues them), and says where things stand. */
  request(learnerId: string, clientIp: string): SessionStatus {
    const existing = this.records.get(learnerId);
    if (existing?.state === 'error') this.records.delete(learnerId);
    else if (existing) return this.describe(existing);
    if (this.queue.some((entry) => entry.learnerId === learnerId)) return this.status(learnerId);
    this.ended.delete(learnerId);
    if (this.hasRoomFor(clientIp, learnerId)) this.launch(learnerId, clientIp);
    else this.queue.push({ learnerId, clientIp, seenAt: Date.now() });
    return this.status(learnerId);
  }

  /** The running container of a learner, if ready. */
  containerOf(learnerId: string): string | undefined {
    const record = this.records.get(learnerId);
    return record?.state === 'ready' ? record.containerId : undefined;
  }

  touch(learnerId: string): void {
    const record = this.records.get(learnerId);
    if (record) record.lastActivityAt = Date.now();
  }

  /** "I'm still here": the learner answered the idle warning without typing in a terminal. */
  keepAlive(learnerId: string): SessionStatus {
    this.touch(learnerId);
    return this.status(learnerId);
  }

  /** Adds 30 minutes, up to the learner's cap (their TTL cap, or their workshop's end); an instructor passes a later cap. */
  extend(learnerId: string, cap?: number): SessionStatus {
    const record = this.records.get(learnerId);
    if (!record) return this.status(learnerId);
    this.setDeadline(record, Math.min(cap ?? this.capOf(record), Math.max(record.expiresAt, Date.now()) + EXTENSION_MS));
    record.lastActivityAt = Date.now();
    return this.describe(record);
  }

  /** Moves the learner's deadline to `deadline` if that is later (their workshop now ends later). */
  extendTo(learnerId: string, deadline: number): void {
    const record = this.records.get(learnerId);
    if (record && deadline > record.expiresAt) this.setDeadline(record, deadline);
  }

  /** Every learner with a workspace (starting or ready) and its key on the engine. */
  activeLearners(): Array<{ learnerId: string; key: string }> {
    return [...this.records.values()].map((record) => ({ learnerId: record.learnerId, key: record.poolId ?? record.learnerId }));
  }

  /** Where the learner's workspace stands, for an instructor's roster: unlike status(), it changes nothing. */
  peek(learnerId: string): { state: SessionStatus['state']; containerId?: string; expiresAt?: number; lastActivityAt?: number } {
    const record = this.records.get(learnerId);
    if (record) return { state: record.state, ...(record.containerId ? { containerId: record.containerId } : {}), expiresAt: record.expiresAt, lastActivityAt: record.lastActivityAt };
    return { state: this.queue.some((entry) => entry.learnerId === learnerId) ? 'queued' : 'none' };
  }

  private setDeadline(record: WorkspaceRecord, expiresAt: number): void {
    record.expiresAt = expiresAt;
    // Labels cannot change: keep the new deadline where a restarted server will find it.
    this.claims.set(record.poolId ?? record.learnerId, { learnerId: record.learnerId, clientIp: record.clientIp, createdAt: record.createdAt, expiresAt });
  }

  private capOf(record: WorkspaceRecord): number {
    return this.policyFor(record.learnerId)?.deadline ?? record.createdAt + this.config.maxTtlMinutes * MINUTE;
  }

  async reset(learnerId: string, clientIp: string): Promise<SessionStatus> {
    if (this.records.has(learnerId)) await this.end(learnerId, 'reset');
    this.ended.delete(learnerId);
    return this.request(learnerId, clientIp);
  }

  async end(learnerId: string, reason: EndReason = 'ended'): Promise<SessionStatus> {
    const queued = this.queue.findIndex((entry) => entry.learnerId === learnerId);
    if (queued >= 0) this.queue.splice(queued, 1);
    const record = this.records.get(learnerId);
    this.records.delete(learnerId);
    this.ended.set(learnerId, { reason, at: Date.now() });
    this.emit('ended', learnerId, reason);
    if (record) {
      const key = record.poolId ?? learnerId;
      this.claims.delete(key);
      this.ending.add(key);
      try {
        // The learner's own containers first: while attached, they keep the workspace network in use.
        await this.hooks?.ended(learnerId, key).catch((error: unknown) => this.logger.warn({ err: error, learnerId }, 'could not clean up after workspace'));
        await removeWorkspace(this.docker, this.instance, key).catch((error: unknown) => this.logger.warn({ err: error, learnerId }, 'could not remove workspace'));
      } finally {
        this.ending.delete(key);
      }
    }
    this.admitQueued();
    return this.status(learnerId);
  }

  /** Whether the learner's container is running: undefined when the engine cannot be asked. */
  async isContainerRunning(learnerId: string): Promise<boolean | undefined> {
    const containerId = this.containerOf(learnerId);
    if (!containerId) return false;
    try {
      return (await this.docker.getContainer(containerId).inspect()).State.Running;
    } catch (error) {
      return (error as { statusCode?: number }).statusCode === 404 ? false : undefined;
    }
  }

  /**
   * Called when a workspace's container died under us (out of memory, killed, removed). Ends the
   * session at once and synchronously (its panes close before this returns), so the page learns why.
   */
  async markExited(learnerId: string, outOfMemory?: boolean, containerId?: string): Promise<void> {
    const record = this.records.get(learnerId);
    if (record?.state !== 'ready') return;
    // News of a container that is no longer the learner's (the one a reset just replaced) changes nothing.
    if (containerId !== undefined && record.containerId !== containerId) return;
    if (outOfMemory === undefined) outOfMemory = await this.wasOomKilled(record.containerId!);
    if (this.records.get(learnerId) === record) await this.end(learnerId, outOfMemory ? 'oom' : 'exited');
  }

  /** Whether the engine recorded an out-of-memory kill in the learner's container. */
  private async wasOomKilled(containerId: string): Promise<boolean> {
    try {
      return (await this.docker.getContainer(containerId).inspect()).State.OOMKilled === true;
    } catch {
      return false;
    }
  }

  private describe(record: WorkspaceRecord): SessionStatus {
    if (record.state === 'error') return { state: 'error', message: record.error };
    const cap = this.capOf(record);
    return {
      state: record.state,
      expiresAt: record.expiresAt,
      idleDeadline: record.lastActivityAt + this.config.idleTimeoutMinutes * MINUTE,
      // Warned 5 minutes ahead (half the timeout when an operator sets it shorter than 10 minutes).
      idleWarningMs: Math.min(IDLE_WARNING_MS, (this.config.idleTimeoutMinutes * MINUTE) / 2),
      canExtend: record.expiresAt < cap,
    };
  }

  private hasRoomFor(clientIp: string, learnerId: string): boolean {
    const policy = this.policyFor(learnerId);
    if (policy?.group && this.reservedWorkspaces(policy.group) > 0) return true;
    // Workspaces reserved for a workshop are promised to its learners.
    if (this.records.size + this.reservedCount >= this.config.maxWorkspaces) return false;
    if (policy?.ignoreIpLimit) return true;
    let fromIp = 0;
    for (const record of this.records.values()) if (record.clientIp === clientIp) fromIp++;
    return fromIp < this.config.maxWorkspacesPerIp;
  }

  private launch(learnerId: string, clientIp: string): void {
    const now = Date.now();
    const policy = this.policyFor(learnerId);
    const expiresAt = policy ? Math.max(now + MINUTE, policy.deadline) : now + this.config.ttlMinutes * MINUTE;
    const limits = { memoryMb: policy?.memoryMb ?? this.config.workspaceMemoryMb, cpus: policy?.cpus ?? this.config.workspaceCpus, pids: this.config.workspacePids };
    const allowEgress = policy ? policy.allowEgress && this.config.allowEgress : this.config.allowEgress;
    // Pool workspaces were made with the server's settings: only a learner with those may take one.
    const poolFits = limits.memoryMb === this.config.workspaceMemoryMb && limits.cpus === this.config.workspaceCpus && allowEgress === this.config.allowEgress;
    const member = (policy?.group ? this.reserved.get(policy.group)?.shift() : undefined) ?? (poolFits ? this.pool.shift() : undefined);
    if (member) {
      // Claim a warm workspace: no container boot; the first shell is the only cost left.
      const claim = { learnerId, clientIp, createdAt: now, expiresAt };
      this.records.set(learnerId, { ...claim, state: 'ready', containerId: member.containerId, lastActivityAt: now, poolId: member.poolId });
      this.claims.set(member.poolId, claim);
      this.logger.info({ learnerId, poolId: member.poolId }, 'workspace ready (warm pool)');
      void this.hooks?.attached(learnerId, member.poolId).catch((error: unknown) => this.logger.warn({ err: error, learnerId }, 'could not start Docker practice'));
      void this.fillPool();
      return;
    }
    const record: WorkspaceRecord = { learnerId, clientIp, state: 'starting', createdAt: now, expiresAt, lastActivityAt: now };
    this.records.set(learnerId, record);
    const started = performance.now();
    const prepared = this.hooks ? this.hooks.prepare(learnerId) : Promise.resolve({ binds: [], env: [] });
    prepared.then((extra) => createWorkspace(this.docker, {
      ...extra,
      instance: this.instance,
      image: this.image,
      learnerId,
      allowEgress,
      limits,
      labels: { [LABEL.expiresAt]: String(record.expiresAt), [LABEL.clientIp]: clientIp },
    })).then(
      async (workspace) => {
        if (this.records.get(learnerId) !== record) {
          // Ended while starting.
          await this.hooks?.ended(learnerId, learnerId).catch(() => undefined);
          await removeWorkspace(this.docker, this.instance, learnerId).catch(() => undefined);
          return;
        }
        await this.hooks?.attached(learnerId, learnerId).catch((error: unknown) => this.logger.warn({ err: error, learnerId }, 'could not start Docker practice'));
        record.state = 'ready';
        record.containerId = workspace.id;
        this.logger.info({ learnerId, ms: Math.round(performance.now() - started) }, 'workspace ready');
      },
      (error: Error & { statusCode?: number }) => {
        record.state = 'error';
        record.error = describeStartFailure(error, this.image);
        this.logger.error({ err: error, learnerId }, 'workspace did not start');
        if (ADDRESS_POOLS_FULL.test(error.message))
          this.logger.error(
            { running: this.records.size },
            'Docker has no address pool left for another per-learner network: add "default-address-pools" to /etc/docker/daemon.json (see the README) and restart dockerd',
          );
      },
    );
  }

  private admitQueued(): void {
    if (this.stopped) return; // a closing server starts nobody's workspace (it would outlive the server unowned)
    const now = Date.now();
    for (let i = this.queue.length - 1; i >= 0; i--) if (now - this.queue[i]!.seenAt > QUEUE_STALE_MS) this.queue.splice(i, 1);
    while (this.queue.length > 0) {
      const index = this.queue.findIndex((entry) => this.hasRoomFor(entry.clientIp, entry.learnerId));
      if (index < 0) return;
      const [entry] = this.queue.splice(index, 1);
      this.launch(entry!.learnerId, entry!.clientIp);
    }
  }

  /** Tops the warm pool up to --warm-pool, one workspace at a time, never beyond --max-workspaces in all. */
  private async fillPool(): Promise<void> {
    if (this.filling) return;
    this.filling = true;
    try {
      while (
        !this.stopped &&
        this.pool.length + this.poolCreating.size < this.config.warmPool &&
        this.records.size + this.pool.length + this.poolCreating.size + this.reservedCount < this.config.maxWorkspaces
      ) {
        const member = await this.createPoolMember({ memoryMb: this.config.workspaceMemoryMb, cpus: this.config.workspaceCpus, allowEgress: this.config.allowEgress });
        if (!member) return;
        if (this.stopped) await this.discard(member.poolId);
        else this.pool.push(member);
      }
    } finally {
      this.filling = false;
    }
  }

  /** Names on the engine (the `lab.learner` label) of everything this server owns right now. */
  /** Starts one unclaimed workspace (for the warm pool, or reserved for a group); undefined when the engine refused. */
  private async createPoolMember(settings: ReserveSettings, group?: string): Promise<PoolMember | undefined> {
    const poolId = `pool-${randomBytes(6).toString('hex')}`;
    this.poolCreating.add(poolId);
    try {
      const extra = this.hooks ? await this.hooks.prepare(poolId) : { binds: [], env: [] };
      const workspace = await createWorkspace(this.docker, {
        ...extra,
        instance: this.instance,
        image: this.image,
        learnerId: poolId,
        allowEgress: settings.allowEgress && this.config.allowEgress,
        limits: { memoryMb: settings.memoryMb, cpus: settings.cpus, pids: this.config.workspacePids },
        labels: { [LABEL.pool]: '1', ...(group ? { [LABEL.poolGroup]: group } : {}) },
      });
      return { poolId, containerId: workspace.id };
    } catch (error) {
      this.logger.warn({ err: error, group }, 'could not start a workspace ahead; learners will get theirs when they arrive');
      await this.discard(poolId);
      return undefined;
    } finally {
      this.poolCreating.delete(poolId);
    }
  }

  private ownedNames(): Map<string, { learnerId?: string; poolId?: string }> {
    const owned = new Map<string, { learnerId?: string; poolId?: string }>();
    for (const record of this.records.values()) owned.set(record.poolId ?? record.learnerId, { learnerId: record.learnerId });
    for (const member of [...this.pool, ...[...this.reserved.values()].flat()]) owned.set(member.poolId, { poolId: member.poolId });
    for (const poolId of this.poolCreating) owned.set(poolId, {});
    for (const key of this.ending) if (!owned.has(key)) owned.set(key, {});
    return owned;
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [learnerId, at] of this.ended) if (now - at.at > ENDED_MEMORY_MS) this.ended.delete(learnerId);
    for (const record of [...this.records.values()]) {
      if (record.state === 'starting') continue;
      if (record.expiresAt <= now) await this.end(record.learnerId, 'expired');
      else if (now - record.lastActivityAt > this.config.idleTimeoutMinutes * MINUTE) await this.end(record.learnerId, 'idle');
    }
    try {
      // Orphans: containers we labelled that have no live record (a crash mid-start, a manual docker start…).
      const owned = this.ownedNames();
      const readyBefore = new Set([...this.records.values()].filter((r) => r.state === 'ready').map((r) => r.containerId));
      const listed = await listWorkspaces(this.docker, this.instance, { all: true });
      for (const workspace of listed) {
        const owner = owned.get(workspace.learnerId);
        if (!owner) await this.discard(workspace.learnerId);
        else if (workspace.state !== 'running' && owner.learnerId) await this.markExited(owner.learnerId, undefined, workspace.id);
        else if (workspace.state !== 'running' && owner.poolId) {
          for (const members of [this.pool, ...this.reserved.values()]) {
            const index = members.findIndex((member) => member.poolId === owner.poolId);
            if (index >= 0) members.splice(index, 1);
          }
          await this.discard(owner.poolId);
        }
      }
      // A ready workspace whose container is gone altogether (removed behind our back).
      const present = new Set(listed.map((workspace) => workspace.id));
      for (const record of [...this.records.values()]) {
        if (record.state === 'ready' && readyBefore.has(record.containerId) && !present.has(record.containerId!)) await this.markExited(record.learnerId, false, record.containerId);
      }
      await this.reapOrphanNetworks();
      await this.hooks?.reap(new Set(this.records.keys()));
    } catch (error) {
      this.logger.warn({ err: error }, 'sweep could not reach the engine');
    }
    this.admitQueued();
    void this.fillPool();
  }

  /** Removes a workspace no learner owns (a pool member, an orphan) and what was prepared for it. */
  private async discard(key: string): Promise<void> {
    await removeWorkspace(this.docker, this.instance, key).catch(() => undefined);
    await this.hooks?.discarded(key).catch(() => undefined);
  }

  private async reapOrphanNetworks(): Promise<void> {
    const owned = this.ownedNames();
    for (const network of await listLabNetworks(this.docker, this.instance)) {
      if (owned.has(network.learnerId)) continue;
      await this.docker
        .getNetwork(network.id)
        .remove()
        .catch(() => undefined);
    }
  }
}

/** dockerd's answer when its address pools have no room for another network (about 30 with the defaults). */

function describeStartFailure(error: Error & { statusCode?: number }, image: string): string {
  if (ADDRESS_POOLS_FULL.test(error.message))
    return 'The lab has no network addresses left for another workspace. Try again when someone ends their lab; the operator can raise the limit (Docker’s default-address-pools, see the README).';
  if (error.statusCode === 404 && /image/i.test(error.message)) return `The lab image ${image} is missing on the server. Ask the operator to run npm run images.`;
  if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED' || (error as NodeJS.ErrnoException).code === 'ENOENT') return 'The lab cannot reach its Docker engine right now. Try again in a minute.';
  return 'Your workspace could not be started. Try again; if it keeps failing, tell the operator.';
}
