import type { Database } from 'better-sqlite3';

/** A workshop as stored (chapters decoded). */
export interface WorkshopRecord {
  id: string;
  code: string;
  title: string;
  chapters: string[];
  seats: number;
  durationMinutes: number;
  memoryMb: number;
  cpus: number;
  egress: boolean;
  createdAt: number;
  endsAt: number;
  endedAt?: number;
}

export interface SeatRecord {
  workshopId: string;
  seat: string;
  learnerId: string;
  name: string;
  joinedAt: number;
  removedAt?: number;
  /** The instructor extended this learner's workspace to this time (it may outlast the workshop's end). */
  keptUntil?: number;
}

export interface BroadcastRecord {
  id: number;
  message: string;
  command?: string;
  sentAt: number;
}

export interface WorkshopStore {
  create(workshop: Omit<WorkshopRecord, 'endedAt'>): void;
  get(id: string): WorkshopRecord | undefined;
  byCode(code: string): WorkshopRecord | undefined;
  /** Newest first. */
  list(): WorkshopRecord[];
  /** Workshops not ended yet. */
  active(): WorkshopRecord[];
  setEndsAt(id: string, endsAt: number): void;
  markEnded(id: string, at: number): void;
  /**
   * Gives the learner a seat, atomically against the seat limit. Rejoining keeps the seat (and
   * takes the new name); a removed learner stays removed. Returns the seat, or why there is none.
   */
  takeSeat(workshopId: string, learnerId: string, name: string, newSeat: string, at: number): { seat: SeatRecord } | { refused: 'full' | 'removed' };
  seats(workshopId: string, options?: { includeRemoved?: boolean }): SeatRecord[];
  seat(workshopId: string, seat: string): SeatRecord | undefined;
  /** The learner's most recent seat in any workshop (their current workshop). */
  latestSeatOf(learnerId: string): SeatRecord | undefined;
  markRemoved(workshopId: string, seat: string, at: number): void;
  setKeptUntil(workshopId: string, seat: string, until: number): void;
  addBroadcast(workshopId: string, message: string, command: string | undefined, at: number): BroadcastRecord;
  broadcasts(workshopId: string): BroadcastRecord[];
  /** Passes of the workshop's learners (removed ones included): learner id → `chapter/step` → first pass. */
  passesOf(workshopId: string): Map<string, Map<string, number>>;
  addInstructorSession(tokenHash: string, expiresAt: number): void;
  instructorSessionValid(tokenHash: string, now: number): boolean;
  removeInstructorSession(tokenHash: string): void;
}

interface WorkshopRow {
  id: string;
  code: string;
  title: string;
  chapters: string;
  seats: number;
  duration_minutes: number;
  memory_mb: number;
  cpus: number;
  egress: number;
  created_at: number;
  ends_at: number;
  ended_at: number | null;
}

interface SeatRow {
  workshop_id: string;
  seat: string;
  learner_id: string;
  name: string;
  joined_at: number;
  removed_at: number | null;
  kept_until: number | null;
}

const toWorkshop = (row: WorkshopRow): WorkshopRecord => ({
  id: row.id,
  code: row.code,
  title: row.title,
  chapters: JSON.parse(row.chapters) as string[],
  seats: row.seats,
  durationMinutes: row.duration_minutes,
  memoryMb: row.memory_mb,
  cpus: row.cpus,
  egress: row.egress === 1,
  createdAt: row.created_at,
  endsAt: row.ends_at,
  ...(row.ended_at !== null ? { endedAt: row.ended_at } : {}),
});

const toSeat = (row: SeatRow): SeatRecord => ({
  workshopId: row.workshop_id,
  seat: row.seat,
  learnerId: row.learner_id,
  name: row.name,
  joinedAt: row.joined_at,
  ...(row.removed_at !== null ? { removedAt: row.removed_at } : {}),
  ...(row.kept_until !== null ? { keptUntil: row.kept_until } : {}),
});

export function openWorkshopStore(db: Database): WorkshopStore {
  const insertWorkshop = db.prepare(
    `INSERT INTO workshops (id, code, title, chapters, seats, duration_minutes, memory_mb, cpus, egress, created_at, ends_at)
     VALUES (@id, @code, @title, @chapters, @seats, @durationMinutes, @memoryMb, @cpus, @egress, @createdAt, @endsAt)`,
  );
  const selectWorkshop = db.prepare<[string], WorkshopRow>('SELECT * FROM workshops WHERE id = ?');
  const selectByCode = db.prepare<[string], WorkshopRow>('SELECT * FROM workshops WHERE code = ?');
  const selectAll = db.prepare<[], WorkshopRow>('SELECT * FROM workshops ORDER BY created_at DESC, id');
  const selectActive = db.prepare<[], WorkshopRow>('SELECT * FROM workshops WHERE ended_at IS NULL ORDER BY created_at');
  const updateEndsAt = db.prepare<[number, string]>('UPDATE workshops SET ends_at = ? WHERE id = ?');
  const updateEnded = db.prepare<[number, string]>('UPDATE workshops SET ended_at = ? WHERE id = ? AND ended_at IS NULL');
  const selectSeatOfLearner = db.prepare<[string, string], SeatRow>('SELECT * FROM workshop_learners WHERE workshop_id = ? AND learner_id = ?');
  const countTaken = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM workshop_learners WHERE workshop_id = ? AND removed_at IS NULL');
  const insertSeat = db.prepare<[string, string, string, string, number]>(
    'INSERT INTO workshop_learners (workshop_id, seat, learner_id, name, joined_at) VALUES (?, ?, ?, ?, ?)',
  );
  const renameSeat = db.prepare<[string, string, string]>('UPDATE workshop_learners SET name = ? WHERE workshop_id = ? AND seat = ?');
  const selectSeats = db.prepare<[string], SeatRow>('SELECT * FROM workshop_learners WHERE workshop_id = ? ORDER BY joined_at, seat');
  const selectSeat = db.prepare<[string, string], SeatRow>('SELECT * FROM workshop_learners WHERE workshop_id = ? AND seat = ?');
  const selectLatestSeat = db.prepare<[string], SeatRow>('SELECT * FROM workshop_learners WHERE learner_id = ? ORDER BY joined_at DESC LIMIT 1');
  const updateRemoved = db.prepare<[number, string, string]>('UPDATE workshop_learners SET removed_at = ? WHERE workshop_id = ? AND seat = ? AND removed_at IS NULL');
  const updateKeptUntil = db.prepare<[number, string, string]>('UPDATE workshop_learners SET kept_until = ? WHERE workshop_id = ? AND seat = ?');
  const insertBroadcast = db.prepare<[string, string, string | null, number]>('INSERT INTO broadcasts (workshop_id, message, command, sent_at) VALUES (?, ?, ?, ?)');
  const selectBroadcasts = db.prepare<[string], { id: number; message: string; command: string | null; sent_at: number }>(
    'SELECT id, message, command, sent_at FROM broadcasts WHERE workshop_id = ? ORDER BY id',
  );
  const selectPasses = db.prepare<[string], { learner_id: string; chapter: string; step_id: string; passed_at: number }>(
    `SELECT p.learner_id, p.chapter, p.step_id, p.passed_at
       FROM progress p JOIN workshop_learners w ON w.learner_id = p.learner_id
      WHERE w.workshop_id = ?`,
  );
  const insertInstructor = db.prepare<[string, number]>('INSERT OR REPLACE INTO instructor_sessions (token_hash, expires_at) VALUES (?, ?)');
  const selectInstructor = db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM instructor_sessions WHERE token_hash = ? AND expires_at > ?');
  const deleteInstructor = db.prepare<[string]>('DELETE FROM instructor_sessions WHERE token_hash = ?');
  const deleteExpiredInstructors = db.prepare<[number]>('DELETE FROM instructor_sessions WHERE expires_at <= ?');

  const takeSeat = db.transaction((workshopId: string, learnerId: string, name: string, newSeat: string, at: number) => {
    const existing = selectSeatOfLearner.get(workshopId, learnerId);
    if (existing) {
      if (existing.removed_at !== null) return { refused: 'removed' as const };
      renameSeat.run(name, workshopId, existing.seat);
      return { seat: toSeat({ ...existing, name }) };
    }
    const workshop = selectWorkshop.get(workshopId);
    if (!workshop || countTaken.get(workshopId)!.n >= workshop.seats) return { refused: 'full' as const };
    insertSeat.run(workshopId, newSeat, learnerId, name, at);
    return { seat: toSeat({ workshop_id: workshopId, seat: newSeat, learner_id: learnerId, name, joined_at: at, removed_at: null, kept_until: null }) };
  });

  return {
    create(workshop) {
      insertWorkshop.run({ ...workshop, chapters: JSON.stringify(workshop.chapters), egress: workshop.egress ? 1 : 0 });
    },
    get: (id) => {
      const row = selectWorkshop.get(id);
      return row && toWorkshop(row);
    },
    byCode: (code) => {
      const row = selectByCode.get(code);
      return row && toWorkshop(row);
    },
    list: () => selectAll.all().map(toWorkshop),
    active: () => selectActive.all().map(toWorkshop),
    setEndsAt: (id, endsAt) => void updateEndsAt.run(endsAt, id),
    markEnded: (id, at) => void updateEnded.run(at, id),
    takeSeat: (workshopId, learnerId, name, newSeat, at) => takeSeat.immediate(workshopId, learnerId, name, newSeat, at),
    seats: (workshopId, options = {}) => selectSeats.all(workshopId).map(toSeat).filter((seat) => options.includeRemoved || seat.removedAt === undefined),
    seat: (workshopId, seat) => {
      const row = selectSeat.get(workshopId, seat);
      return row && toSeat(row);
    },
    latestSeatOf: (learnerId) => {
      const row = selectLatestSeat.get(learnerId);
      return row && toSeat(row);
    },
    markRemoved: (workshopId, seat, at) => void updateRemoved.run(at, workshopId, seat),
    setKeptUntil: (workshopId, seat, until) => void updateKeptUntil.run(until, workshopId, seat),
    addBroadcast(workshopId, message, command, at) {
      const { lastInsertRowid } = insertBroadcast.run(workshopId, message, command ?? null, at);
      return { id: Number(lastInsertRowid), message, ...(command ? { command } : {}), sentAt: at };
    },
    broadcasts: (workshopId) => selectBroadcasts.all(workshopId).map((row) => ({ id: row.id, message: row.message, ...(row.command ? { command: row.command } : {}), sentAt: row.sent_at })),
    passesOf(workshopId) {
      const passes = new Map<string, Map<string, number>>();
      for (const row of selectPasses.all(workshopId)) {
        let forLearner = passes.get(row.learner_id);
        if (!forLearner) passes.set(row.learner_id, (forLearner = new Map()));
        forLearner.set(`${row.chapter}/${row.step_id}`, row.passed_at);
      }
      return passes;
    },
    addInstructorSession(tokenHash, expiresAt) {
      deleteExpiredInstructors.run(Date.now());
      insertInstructor.run(tokenHash, expiresAt);
    },
    instructorSessionValid: (tokenHash, now) => selectInstructor.get(tokenHash, now)!.n > 0,
    removeInstructorSession: (tokenHash) => void deleteInstructor.run(tokenHash),
  };
}
