import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openWorkshopStore, type WorkshopStore } from './workshops';

/**
 * The lab's SQLite file, `<data-dir>/lab.db` (WAL); `lab-server/store/` is the only place that writes SQL.
 * better-sqlite3 v12 (v13 crashes on Node 20). Migrations are numbered by `user_version`.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE progress (
     learner_id TEXT NOT NULL,
     chapter    TEXT NOT NULL,
     step_id    TEXT NOT NULL,
     passed_at  INTEGER NOT NULL,
     PRIMARY KEY (learner_id, chapter, step_id)
   ) WITHOUT ROWID`,
  `CREATE TABLE workshops (
     id               TEXT PRIMARY KEY,
     code             TEXT NOT NULL UNIQUE,
     title            TEXT NOT NULL,
     chapters         TEXT NOT NULL,
     seats            INTEGER NOT NULL,
     duration_minutes INTEGER NOT NULL,
     memory_mb        INTEGER NOT NULL,
     cpus             REAL NOT NULL,
     egress           INTEGER NOT NULL,
     created_at       INTEGER NOT NULL,
     ends_at          INTEGER NOT NULL,
     ended_at         INTEGER
   );
   CREATE TABLE workshop_learners (
     workshop_id TEXT NOT NULL REFERENCES workshops (id),
     seat        TEXT NOT NULL,
     learner_id  TEXT NOT NULL,
     name        TEXT NOT NULL,
     joined_at   INTEGER NOT NULL,
     removed_at  INTEGER,
     kept_until  INTEGER,
     PRIMARY KEY (workshop_id, seat),
     UNIQUE (workshop_id, learner_id)
   );
   CREATE INDEX workshop_learners_by_learner ON workshop_learners (learner_id, joined_at);
   CREATE TABLE broadcasts (
     id          INTEGER PRIMARY KEY AUTOINCREMENT,
     workshop_id TEXT NOT NULL REFERENCES workshops (id),
     message     TEXT NOT NULL,
     command     TEXT,
     sent_at     INTEGER NOT NULL
   );
   CREATE TABLE instructor_sessions (
     token_hash TEXT PRIMARY KEY,
     expires_at INTEGER NOT NULL
   ) WITHOUT ROWID`,
];

export interface PassedStep {
  chapter: string;
  step: string;
  /** Milliseconds since the epoch of the first pass. */
  passedAt: number;
}

export interface LabStore {
  workshops: WorkshopStore;
  /** Records that a check passed for a learner (the first pass's time is kept). */
  recordPass(learnerId: string, chapter: string, step: string, at?: number): void;
  passedSteps(learnerId: string): PassedStep[];
  close(): void;
}

export function openStore(dataDir: string): LabStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'lab.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 2000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let index = version; index < MIGRATIONS.length; index++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[index]!);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
  const insert = db.prepare('INSERT OR IGNORE INTO progress (learner_id, chapter, step_id, passed_at) VALUES (?, ?, ?, ?)');
  const select = db.prepare<[string], { chapter: string; step: string; passedAt: number }>(
    'SELECT chapter, step_id AS step, passed_at AS passedAt FROM progress WHERE learner_id = ? ORDER BY passed_at, chapter, step_id',
  );
  return {
    workshops: openWorkshopStore(db),
    recordPass(learnerId, chapter, step, at = Date.now()) {
      insert.run(learnerId, chapter, step, at);
    },
    passedSteps(learnerId) {
      return select.all(learnerId);
    },
    close() {
      if (db.open) db.close();
    },
  };
}
