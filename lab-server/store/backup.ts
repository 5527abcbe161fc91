import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import Database from 'better-sqlite3';
import tar from 'tar-stream';

/**
 * Backup and restore of a lab's data directory, as one `.tar.gz`:
 *  - `lab.db`, copied with SQLite's online backup API, so a running server keeps writing and the
 *    copy is still one consistent snapshot (a plain file copy of a WAL database can tear);
 *  - the small JSON state files at the top of the data dir (`workspaces.json`, the claims);
 *  - with `homes`, the learners' home directories (`learners/<key>/home`): files, directories and
 *    symbolic links, with their modes and owners.
 * Logs, build caches and sockets are not state and are left out.
 */
export const DB_FILE = 'lab.db';
const HOMES_DIR = 'learners';
const MANIFEST = 'lab-backup.json';
type EntryHeader = Parameters<tar.Pack['entry']>[0];

export interface BackupOptions {
  /** Also archive every learner's home directory. */
  homes?: boolean;
}

export interface BackupResult {
  archive: string;
  files: number;
  bytes: number;
}

export class DataDirBusyError extends Error {}

/**
 * True when another process has lab.db open (a running lab server). WAL connections hold a shared
 * lock for as long as they are open, so asking for an exclusive one fails at once; a killed
 * server's locks are gone with it, so a crash never leaves the data dir "busy".
 */
export function isDataDirInUse(dataDir: string): boolean {
  const file = path.join(dataDir, DB_FILE);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
  } catch {
    return false; // no database: nothing has it open
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    db.close();
  }
}

async function walk(root: string, rel: string, out: string[]): Promise<void> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const child = path.posix.join(rel, entry.name);
    out.push(child);
    if (entry.isDirectory()) await walk(root, child, out);
  }
}

/** The relative paths of every home directory's contents (the home directories themselves first). */
async function homeEntries(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  const keys = await fs.readdir(path.join(dataDir, HOMES_DIR), { withFileTypes: true }).catch(() => []);
  for (const key of keys) {
    if (!key.isDirectory()) continue;
    const home = path.posix.join(HOMES_DIR, key.name, 'home');
    if (!(await fs.lstat(path.join(dataDir, home)).then((s) => s.isDirectory(), () => false))) continue;
    out.push(home);
    await walk(dataDir, home, out);
  }
  return out;
}

function addEntry(pack: tar.Pack, header: EntryHeader, body: Buffer = Buffer.alloc(0)): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, body, (error) => (error ? reject(error) : resolve())));
}

function addFileStream(pack: tar.Pack, header: EntryHeader, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    createReadStream(file).on('error', reject).pipe(sink);
  });
}

/** Writes `archive` (a .tar.gz) from `dataDir`; safe while the lab server runs. */
export async function backupDataDir(dataDir: string, archive: string, options: BackupOptions = {}): Promise<BackupResult> {
  const staging = await fs.mkdtemp(path.join(path.dirname(path.resolve(archive)), '.lab-backup-'));
  try {
    const dbCopy = path.join(staging, DB_FILE);
    const hasDb = await fs.stat(path.join(dataDir, DB_FILE)).then(() => true, () => false);
    if (hasDb) {
      const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
      try {
        await db.backup(dbCopy);
      } finally {
        db.close();
      }
    }
    const top = await fs.readdir(dataDir, { withFileTypes: true });
    const jsonFiles = top.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name).sort();
    const homes = options.homes ? await homeEntries(dataDir) : [];

    const pack = tar.pack();
    const gzip = createGzip();
    const written = pipeline(pack, gzip, createWriteStream(archive, { mode: 0o600 }));
    let files = 0;
    const manifest = { version: 1, createdAt: new Date().toISOString(), db: hasDb, json: jsonFiles, homes: options.homes === true };
    await addEntry(pack, { name: MANIFEST, mode: 0o600 }, Buffer.from(JSON.stringify(manifest, null, 2)));
    if (hasDb) {
      await addFileStream(pack, { name: DB_FILE, mode: 0o600, size: (await fs.stat(dbCopy)).size }, dbCopy);
      files++;
    }
    for (const name of jsonFiles) {
      await addEntry(pack, { name, mode: 0o600 }, await fs.readFile(path.join(dataDir, name)));
      files++;
    }
    for (const rel of homes) {
      const full = path.join(dataDir, rel);
      const stat = await fs.lstat(full).catch(() => undefined);
      if (!stat) continue; // removed while we walked: a live lab
      const base = { name: rel, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid, mtime: stat.mtime };
      if (stat.isDirectory()) await addEntry(pack, { ...base, type: 'directory' });
      else if (stat.isSymbolicLink()) await addEntry(pack, { ...base, type: 'symlink', linkname: await fs.readlink(full) });
      else if (stat.isFile()) await addFileStream(pack, { ...base, type: 'file', size: stat.size }, full);
      else continue; // sockets, fifos, devices: not data
      files++;
    }
    pack.finalize();
    await written;
    return { archive, files, bytes: (await fs.stat(archive)).size };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/** A link already in the data dir must not carry a restored file outside it either. */
async function refuseLinkedParents(dataDir: string, target: string): Promise<void> {
  let dir = path.dirname(target);
  while (dir.startsWith(dataDir + path.sep)) {
    if (await fs.lstat(dir).then((s) => s.isSymbolicLink(), () => false)) throw new Error(`refusing to restore through the symbolic link ${dir}`);
    dir = path.dirname(dir);
  }
}

/** Owners matter for homes (the workspace's user); only root may set them, and only root needs to. */
async function chownAsRoot(target: string, uid: number | undefined, gid: number | undefined): Promise<void> {
  if (process.getuid?.() === 0 && uid !== undefined && gid !== undefined) await fs.lchown(target, uid, gid);
}

/** A path from an archive, accepted only inside the data dir (no absolute paths, no `..`). */
function safeTarget(dataDir: string, name: string): string {
  const normal = path.posix.normalize(name);
  const allowed = normal === MANIFEST || normal === DB_FILE || /^[^/]+\.json$/.test(normal) || normal.startsWith(`${HOMES_DIR}/`);
  if (path.posix.isAbsolute(normal) || normal.split('/').includes('..') || !allowed) throw new Error(`refusing archive entry ${JSON.stringify(name)}: not a lab data file`);
  return path.join(dataDir, normal);
}

/**
 * Restores `archive` into `dataDir`. Refuses while a lab server has the data dir open: its
 * in-memory state and open database would fight the restored files.
 */
export async function restoreDataDir(archive: string, dataDir: string): Promise<{ files: number }> {
  if (isDataDirInUse(dataDir)) throw new DataDirBusyError(`A lab server is running on ${dataDir} (lab.db is open). Stop it first, then restore.`);
  await fs.mkdir(dataDir, { recursive: true });
  // The old WAL and shared-memory files belong to the old database: left beside a new lab.db, SQLite would replay them into it.
  for (const suffix of ['', '-wal', '-shm']) await fs.rm(path.join(dataDir, DB_FILE + suffix), { force: true });
  let files = 0;
  // Links are made last, so no later entry can be written through one to outside the data dir.
  const links: Array<{ target: string; linkname: string; uid?: number; gid?: number }> = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    void (async () => {
      const target = safeTarget(dataDir, header.name);
      await refuseLinkedParents(dataDir, target);
      if (path.basename(target) === MANIFEST) {
        stream.resume(); // describes the archive; not restored
        return;
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (header.type === 'directory') {
        await fs.mkdir(target, { recursive: true, mode: header.mode });
        stream.resume();
      } else if (header.type === 'symlink' && header.linkname) {
        links.push({ target, linkname: header.linkname, uid: header.uid, gid: header.gid });
        stream.resume();
        return;
      } else if (header.type === 'file') {
        await pipeline(stream, createWriteStream(target, { mode: header.mode }));
      } else {
        stream.resume();
        return;
      }
      files++;
      await chownAsRoot(target, header.uid, header.gid);
    })().then(() => next(), (error: unknown) => next(error as Error));
  });
  await pipeline(createReadStream(archive), createGunzip(), extract);
  for (const link of links) {
    await fs.rm(link.target, { force: true });
    await fs.symlink(link.linkname, link.target);
    await chownAsRoot(link.target, link.uid, link.gid);
    files++;
  }
  return { files };
}
