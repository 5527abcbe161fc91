import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import type { Logger } from '../log';
import { Pane } from './pane';

export const MAX_PANES_PER_LEARNER = 4;

/**
 * Every learner's panes, keyed by learner and pane number. Keys include the learner id, so a
 * socket can only ever reach the panes of the learner its cookie names.
 */
export class PaneRegistry extends EventEmitter<{ workspaceGone: [learnerId: string, outOfMemory: boolean, containerId: string] }> {
  private readonly panes = new Map<string, Pane>();
  private readonly opening = new Map<string, Promise<Pane>>();

  constructor(
    private readonly docker: Docker,
    private readonly logger: Logger,
  ) {
    super();
  }

  /** The learner's existing pane, if any (viewers attach only to a shell that exists). */
  get(learnerId: string, paneId: string): Pane | undefined {
    return this.panes.get(`${learnerId}/${paneId}`);
  }

  /** The learner's pane, opening a new shell when there is none or the previous one exited. */
  async open(learnerId: string, paneId: string, containerId: string, size: { cols: number; rows: number }, fresh: boolean): Promise<Pane> {
    const key = `${learnerId}/${paneId}`;
    const existing = this.panes.get(key);
    if (existing && existing.containerId === containerId && !(existing.state === 'exited' && fresh)) return existing;
    const pending = this.opening.get(key);
    if (pending) return pending;
    if (!existing && this.countFor(learnerId) >= MAX_PANES_PER_LEARNER) throw new TooManyPanesError();
    existing?.close();
    this.panes.delete(key);

    const opening = Pane.open(this.docker, { id: paneId, learnerId, containerId, ...size }).then((pane) => {
      this.panes.set(key, pane);
      pane.on('workspaceGone', (outOfMemory, containerId) => this.emit('workspaceGone', learnerId, outOfMemory, containerId));
      this.logger.debug({ learnerId, paneId }, 'pane opened');
      return pane;
    });
    this.opening.set(key, opening);
    try {
      return await opening;
    } finally {
      this.opening.delete(key);
    }
  }

  countFor(learnerId: string): number {
    let count = 0;
    for (const key of this.panes.keys()) if (key.startsWith(`${learnerId}/`)) count++;
    return count;
  }

  /** The learner's panes that have a shell, in pane-id order, and whether the learner has one open in a browser now. */
  panesOf(learnerId: string): { paneIds: string[]; connected: boolean } {
    const paneIds: string[] = [];
    let connected = false;
    for (const [key, pane] of this.panes) {
      if (!key.startsWith(`${learnerId}/`) || pane.state === 'exited') continue;
      paneIds.push(pane.id);
      connected ||= pane.hasOwner;
    }
    return { paneIds: paneIds.sort(), connected };
  }

  /** When any of the learner's shells last printed something (0 when none has). */
  lastOutputAt(learnerId: string): number {
    let latest = 0;
    for (const [key, pane] of this.panes) if (key.startsWith(`${learnerId}/`)) latest = Math.max(latest, pane.lastOutputAt);
    return latest;
  }

  /** Ends every pane of a learner (their workspace ended or was reset). */
  closeLearner(learnerId: string): void {
    for (const [key, pane] of this.panes) {
      if (!key.startsWith(`${learnerId}/`)) continue;
      pane.close();
      this.panes.delete(key);
    }
  }

  closeAll(): void {
    for (const pane of this.panes.values()) pane.close();
    this.panes.clear();
  }

  get size(): number {
    return this.panes.size;
  }
}

export class TooManyPanesError extends Error {
  override name = 'TooManyPanesError';
  constructor() {
    super(`at most ${MAX_PANES_PER_LEARNER} terminals per learner`);
  }
}
