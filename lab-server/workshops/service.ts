import { EventEmitter } from 'node:events';
import type { ChapterSteps } from '../../lib/content/steps';
import type { LabConfig } from '../config';
import { HttpError } from '../http/request';
import type { Logger } from '../log';
import type { SessionStatus } from '../protocol/session';
import type { Broadcast, JoinInfo, JoinResult, LearnerAction, LearnerWorkshop, Workshop, WorkshopView } from '../protocol/workshop';
import type { SessionManager, WorkspacePolicy } from '../sessions/manager';
import type { LabStore } from '../store/db';
import type { SeatRecord, WorkshopRecord } from '../store/workshops';
import type { PaneRegistry } from '../terminals/registry';
import { newJoinCode, newSeatId, newWorkshopId } from './codes';
import { progressCsv } from './csv';
import type { WorkspaceStats } from '../runtime/workspace-stats';
import { rosterRow, workshopSteps } from './view';

const MINUTE = 60_000;
export const WORKSHOP_EXTENSION_MS = 30 * MINUTE;

export interface CreateWorkshopInput {
  title: string;
  chapters: string[];
  seats: number;
  durationMinutes: number;
  memoryMb?: number | undefined;
  cpus?: number | undefined;
  egress: boolean;
  prewarm?: number | undefined;
}

export interface WorkshopServiceOptions {
  config: LabConfig;
  store: LabStore;
  sessions: SessionManager;
  panes: PaneRegistry;
  stats: WorkspaceStats;
  logger: Logger;
  /** The guide's chapters and their checked steps. */
  chapters: () => ChapterSteps[];
}

const ended = (workshop: WorkshopRecord, now = Date.now()) => workshop.endedAt !== undefined || workshop.endsAt <= now;

/**
 * Workshops: an instructor's class with a join code, seats, an end time and its own workspace
 * settings. Everything lives in SQLite (workshops, seats, broadcasts; progress is the learners'
 * own), so a restarted server carries on; workspaces are the session manager's, which re-adopts
 * them. Learners are known to the console by seat, never by learner id.
 */
export class WorkshopService extends EventEmitter<{ changed: [workshopId: string] }> {
  private timer: NodeJS.Timeout | undefined;
  private guide: ChapterSteps[] | undefined;

  constructor(private readonly options: WorkshopServiceOptions) {
    super();
    this.setMaxListeners(0);
  }

  private get store() {
    return this.options.store.workshops;
  }

  private chapters(): ChapterSteps[] {
    this.guide ??= this.options.chapters();
    return this.guide;
  }

  /** Hands workshop settings to the session manager and ends workshops past their time (checked every few seconds). */
  start(sweepEveryMs = 5_000): void {
    this.options.sessions.setPolicy((learnerId) => this.policyFor(learnerId));
    this.timer = setInterval(() => void this.endOverdue(), sweepEveryMs);
    this.timer.unref();
    void this.endOverdue();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The learner's workshop settings while they hold a seat in a running workshop. */
  policyFor(learnerId: string): WorkspacePolicy | undefined {
    const seat = this.store.latestSeatOf(learnerId);
    if (!seat || seat.removedAt !== undefined) return undefined;
    const workshop = this.store.get(seat.workshopId);
    if (!workshop || ended(workshop)) return undefined;
    return { memoryMb: workshop.memoryMb, cpus: workshop.cpus, allowEgress: workshop.egress, deadline: workshop.endsAt, ignoreIpLimit: true, group: workshop.id };
  }

  create(input: CreateWorkshopInput): Workshop {
    const { config } = this.options;
    const known = new Set(this.chapters().map((chapter) => chapter.slug));
    const unknown = input.chapters.find((slug) => !known.has(slug));
    if (unknown) throw new HttpError(400, 'unknown_chapter', `The guide has no chapter "${unknown}".`);
    if (input.egress && !config.allowEgress) throw new HttpError(400, 'egress_not_allowed', 'The operator has not allowed internet access for workspaces (--allow-egress), so a workshop cannot turn it on.');
    if (input.seats > config.maxWorkspaces) throw new HttpError(400, 'too_many_seats', `This lab server runs at most ${config.maxWorkspaces} workspaces at once (--max-workspaces); ask for at most that many seats.`);
    const now = Date.now();
    let code = newJoinCode();
    for (let attempt = 0; this.store.byCode(code) && attempt < 20; attempt++) code = newJoinCode();
    const record: WorkshopRecord = {
      id: newWorkshopId(),
      code,
      title: input.title,
      chapters: [...new Set(input.chapters)],
      seats: input.seats,
      durationMinutes: input.durationMinutes,
      memoryMb: input.memoryMb ?? config.workspaceMemoryMb,
      cpus: input.cpus ?? config.workspaceCpus,
      egress: input.egress,
      createdAt: now,
      endsAt: now + input.durationMinutes * MINUTE,
    };
    this.store.create(record);
    this.options.logger.info({ workshop: record.id, title: record.title, seats: record.seats }, 'workshop created');
    const ahead = Math.min(input.prewarm ?? record.seats, record.seats);
    if (ahead > 0) {
      // Never more than the seats still free: learners who joined meanwhile took theirs.
      const wanted = () => Math.min(ahead, record.seats - this.store.seats(record.id).length);
      void this.options.sessions
        .reserve(record.id, wanted, { memoryMb: record.memoryMb, cpus: record.cpus, allowEgress: record.egress })
        .then((started) => {
          this.options.logger.info({ workshop: record.id, started, asked: ahead }, 'workspaces started ahead');
          this.emit('changed', record.id);
        });
    }
    return this.describe(record);
  }

  list(): Workshop[] {
    return this.store.list().map((record) => this.describe(record));
  }

  get(id: string): Workshop {
    return this.describe(this.record(id));
  }

  private record(id: string): WorkshopRecord {
    const record = this.store.get(id);
    if (!record) throw new HttpError(404, 'unknown_workshop', 'There is no such workshop.');
    return record;
  }

  private describe(record: WorkshopRecord): Workshop {
    const joinPath = `/join/${record.code}`;
    return {
      ...record,
      state: ended(record) ? 'ended' : 'active',
      seatsTaken: this.store.seats(record.id).length,
      warmWorkspaces: this.options.sessions.reservedWorkspaces(record.id),
      joinUrl: this.options.config.publicUrl ? new URL(joinPath, this.options.config.publicUrl).toString() : joinPath,
    };
  }

  private byCode(code: string): WorkshopRecord {
    const record = this.store.byCode(code);
    if (!record) throw new HttpError(404, 'unknown_code', `No workshop has the code ${code}. Check the code with your instructor.`);
    return record;
  }

  joinInfo(code: string): JoinInfo {
    const record = this.byCode(code);
    return { title: record.title, state: ended(record) ? 'ended' : 'active', seatsLeft: Math.max(0, record.seats - this.store.seats(record.id).length), endsAt: record.endsAt };
  }

  /** Gives the learner a seat (or their seat back) and starts their workspace with the workshop's settings. */
  join(learnerId: string, code: string, name: string, clientIp: string): JoinResult {
    const record = this.byCode(code);
    if (ended(record)) throw new HttpError(410, 'workshop_ended', `The workshop “${record.title}” has ended.`);
    const taken = this.store.takeSeat(record.id, learnerId, name, newSeatId(), Date.now());
    if ('refused' in taken) {
      if (taken.refused === 'removed') throw new HttpError(403, 'removed', 'Your instructor removed you from this workshop.');
      throw new HttpError(409, 'workshop_full', `The workshop “${record.title}” is full: all ${record.seats} seats are taken. Ask your instructor to make room.`);
    }
    const session: SessionStatus = this.options.sessions.request(learnerId, clientIp);
    this.emit('changed', record.id);
    return { ...this.learnerWorkshopOf(taken.seat, record), session, next: `/guide/${record.chapters[0]}` };
  }

  /** The learner's current workshop (the one they joined last), as their pages show it. */
  learnerWorkshop(learnerId: string | undefined): LearnerWorkshop | { workshop: null } {
    const seat = learnerId ? this.store.latestSeatOf(learnerId) : undefined;
    const record = seat && this.store.get(seat.workshopId);
    return seat && record ? this.learnerWorkshopOf(seat, record) : { workshop: null };
  }

  /** The workshop (id) a learner's page should follow, if any. */
  workshopOf(learnerId: string): string | undefined {
    return this.store.latestSeatOf(learnerId)?.workshopId;
  }

  private learnerWorkshopOf(seat: SeatRecord, record: WorkshopRecord): LearnerWorkshop {
    const titles = new Map(this.chapters().map((chapter) => [chapter.slug, chapter.title]));
    return {
      workshop: {
        id: record.id,
        title: record.title,
        chapters: record.chapters.map((slug) => ({ slug, title: titles.get(slug) ?? slug })),
        endsAt: record.endsAt,
        state: ended(record) ? 'ended' : 'active',
        name: seat.name,
        removed: seat.removedAt !== undefined,
        broadcasts: this.store.broadcasts(record.id),
      },
    };
  }

  view(id: string): WorkshopView {
    const record = this.record(id);
    const now = Date.now();
    const steps = workshopSteps(record.chapters, this.chapters());
    const passes = this.store.passesOf(id);
    const { sessions, panes, stats } = this.options;
    const learners = this.store.seats(id).map((seat) => {
      const session = sessions.peek(seat.learnerId);
      const usage = session.containerId ? stats.of(session.containerId) : undefined;
      const open = panes.panesOf(seat.learnerId);
      return rosterRow(
        seat,
        steps,
        passes.get(seat.learnerId),
        {
          session: session.state,
          connected: open.connected,
          ...(session.lastActivityAt !== undefined ? { lastActivityAt: session.lastActivityAt } : {}),
          ...(session.expiresAt !== undefined ? { expiresAt: session.expiresAt } : {}),
          ...(usage?.cpuPercent !== undefined ? { cpuPercent: usage.cpuPercent } : {}),
          ...(usage ? { memoryMb: usage.memoryMb } : {}),
          panes: open.paneIds,
        },
        now,
      );
    });
    return { workshop: this.describe(record), steps, learners, broadcasts: this.store.broadcasts(id), generatedAt: now };
  }

  /** While a console watches a workshop, its workspaces' CPU and memory are sampled. */
  watchUsage(id: string): void {
    const containers = this.store
      .seats(id)
      .map((seat) => this.options.sessions.peek(seat.learnerId).containerId)
      .filter((containerId): containerId is string => containerId !== undefined);
    this.options.stats.watch(id, containers);
  }

  unwatchUsage(id: string): void {
    this.options.stats.unwatch(id);
  }

  broadcast(id: string, message: string, command: string | undefined): Broadcast {
    const record = this.activeRecord(id);
    const sent = this.store.addBroadcast(record.id, message, command, Date.now());
    this.emit('changed', record.id);
    return sent;
  }

  private activeRecord(id: string): WorkshopRecord {
    const record = this.record(id);
    if (ended(record)) throw new HttpError(409, 'workshop_ended', `The workshop “${record.title}” has ended.`);
    return record;
  }

  /** The learner behind a seat of this workshop (for shadowing), if they still hold it. */
  learnerAt(id: string, seat: string): string | undefined {
    const found = this.store.seat(id, seat);
    return found && found.removedAt === undefined ? found.learnerId : undefined;
  }

  /** Extend, reset or remove one learner (by seat) or every learner ("all"). */
  async act(id: string, seat: string, action: LearnerAction): Promise<{ affected: number }> {
    const record = this.activeRecord(id);
    const seats = seat === 'all' ? this.store.seats(id) : [this.store.seat(id, seat)].filter((found): found is SeatRecord => found !== undefined && found.removedAt === undefined);
    if (seat !== 'all' && seats.length === 0) throw new HttpError(404, 'unknown_seat', 'No learner holds that seat in this workshop.');
    const { sessions, logger } = this.options;
    let affected = 0;
    for (const target of seats) {
      const current = this.store.latestSeatOf(target.learnerId)?.workshopId === id;
      if (action === 'remove') {
        this.store.markRemoved(id, target.seat, Date.now());
        if (current) await sessions.end(target.learnerId, 'removed');
        affected++;
      } else if (!current) {
        continue; // they have moved on to another workshop: their workspace is not this one's to touch
      } else if (action === 'extend') {
        // The instructor may keep a learner past the workshop's end (to finish a step), up to the server's longest TTL.
        if (sessions.peek(target.learnerId).state === 'ready') {
          const status = sessions.extend(target.learnerId, Math.max(record.endsAt, Date.now()) + this.options.config.maxTtlMinutes * MINUTE);
          if (status.expiresAt !== undefined && status.expiresAt > record.endsAt) this.store.setKeptUntil(id, target.seat, status.expiresAt);
          affected++;
        }
      } else {
        await sessions.reset(target.learnerId, 'workshop');
        affected++;
      }
    }
    logger.info({ workshop: id, action, seat, affected }, 'workshop learner action');
    this.emit('changed', id);
    return { affected };
  }

  /** The whole workshop ends 30 minutes later, and its workspaces with it. */
  extend(id: string): Workshop {
    const record = this.activeRecord(id);
    const endsAt = record.endsAt + WORKSHOP_EXTENSION_MS;
    this.store.setEndsAt(id, endsAt);
    for (const seat of this.store.seats(id)) {
      if (this.store.latestSeatOf(seat.learnerId)?.workshopId === id) this.options.sessions.extendTo(seat.learnerId, endsAt);
    }
    this.emit('changed', id);
    return this.get(id);
  }

  /** Ends the workshop: every learner's workspace (and Docker objects) removed, progress kept. */
  async end(id: string): Promise<Workshop> {
    const record = this.record(id);
    const now = Date.now();
    if (record.endedAt === undefined) {
      this.store.markEnded(id, now);
      this.emit('changed', id);
    }
    for (const seat of this.store.seats(id)) {
      const session = this.options.sessions.peek(seat.learnerId);
      if (this.store.latestSeatOf(seat.learnerId)?.workshopId !== id || session.state === 'none') continue;
      // A learner the instructor kept on past the end time keeps their workspace until then, unless the instructor ends the workshop by hand.
      if (record.endsAt <= now && (seat.keptUntil ?? 0) > now) continue;
      await this.options.sessions.end(seat.learnerId, 'workshop-ended');
    }
    this.options.stats.unwatch(id);
    await this.options.sessions.release(id);
    this.options.logger.info({ workshop: id }, 'workshop ended');
    return this.get(id);
  }

  csv(id: string): { filename: string; body: string } {
    const record = this.record(id);
    const steps = workshopSteps(record.chapters, this.chapters());
    const slug = record.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'workshop';
    return { filename: `${slug}-progress.csv`, body: progressCsv(this.store.seats(id, { includeRemoved: true }), steps, this.store.passesOf(id)) };
  }

  private ending = false;

  private async endOverdue(): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    try {
      const now = Date.now();
      for (const record of this.store.active()) if (record.endsAt <= now) await this.end(record.id);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not end an overdue workshop');
    } finally {
      this.ending = false;
    }
  }
}
