import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../http/server';
import { backupDataDir, isDataDirInUse, restoreDataDir } from '../store/backup';
import { openStore } from '../store/db';
import { chaosDataDir, figure, LONG, sleep } from './scale';

const WRITER = path.join(PROJECT_ROOT, 'lab-server/chaos/fixtures/progress-writer.ts');
const exec = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

/** Starts the writer, lets it commit for `ms`, SIGKILLs it; returns the indexes it saw committed. */
async function killDuringWrites(dataDir: string, learner: string, ms: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, learner], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Kill only once it is writing, so the kill lands mid-stream and not during start-up.
  while (!out.includes('\n')) await sleep(20);
  await sleep(ms);
  child.kill('SIGKILL');
  await exited;
  return out.split('\n').filter((line) => /^\d+$/.test(line)).map(Number);
}

describe('data safety (SQLite WAL, backup and restore)', () => {
  const dirs: string[] = [];
  const dir = (name: string) => {
    const d = chaosDataDir(name);
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  it('lab.db survives SIGKILL during writes: every acknowledged pass is there, the file is intact', async () => {
    const dataDir = dir('wal-kill');
    const rounds = LONG ? 10 : 3;
    let acknowledged = 0;
    for (let round = 0; round < rounds; round++) {
      const acked = await killDuringWrites(dataDir, `learner${round}`, 150 + round * 37);
      expect(acked.length).toBeGreaterThan(0);
      acknowledged += acked.length;
      const db = new Database(path.join(dataDir, 'lab.db'));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      const store = openStore(dataDir);
      const steps = new Set(store.passedSteps(`learner${round}`).map((s) => s.step));
      store.close();
      for (const index of acked) expect(steps.has(`step-${index}`)).toBe(true);
    }
    figure('SQLite: SIGKILL during writes', `${rounds} kills, ${acknowledged} acknowledged passes, 0 lost, integrity_check ok`);
  });

  it('backup while a server writes, restore into a fresh dir: progress and claims are back', async () => {
    const source = dir('backup-src');
    const target = dir('backup-dst');
    const store = openStore(source);
    for (let i = 0; i < 500; i++) store.recordPass('alice', 'first-commands', `step-${i}`, 1_000 + i);
    await fs.writeFile(path.join(source, 'workspaces.json'), JSON.stringify({ poolabc: { learnerId: 'alice', clientIp: '127.0.0.1', createdAt: 1, expiresAt: 2 } }));
    await fs.mkdir(path.join(source, 'learners', 'alice', 'home', 'project'), { recursive: true });
    await fs.writeFile(path.join(source, 'learners', 'alice', 'home', 'project', 'Dockerfile'), 'FROM busybox\n');
    await fs.symlink('project/Dockerfile', path.join(source, 'learners', 'alice', 'home', 'link'));
    const archive = path.join(source, '..', `backup-${process.pid}.tar.gz`);
    dirs.push(archive);

    // The CLI, while the store is open and written (as a running server's is).
    const writing = setInterval(() => store.recordPass('bob', 'volumes', `live-${Date.now()}`), 1);
    const started = performance.now();
    const backup = await exec(['lab-server/store/backup-cli.ts', 'backup', archive, '--data-dir', source, '--homes']);
    const backupMs = performance.now() - started;
    clearInterval(writing);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/✓ backed up/);

    // Restore refuses while lab.db is open elsewhere (a running server), with a clear line.
    expect(isDataDirInUse(source)).toBe(true);
    const refused = await exec(['lab-server/store/backup-cli.ts', 'restore', archive, '--data-dir', source]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/A lab server is running on .* \(lab\.db is open\)\. Stop it first, then restore\./);
    store.close();
    expect(isDataDirInUse(source)).toBe(false);

    const restoreStarted = performance.now();
    const restored = await exec(['lab-server/store/backup-cli.ts', 'restore', archive, '--data-dir', target]);
    const restoreMs = performance.now() - restoreStarted;
    expect(restored.code).toBe(0);
    const back = openStore(target);
    expect(back.passedSteps('alice')).toHaveLength(500);
    back.close();
    expect(JSON.parse(await fs.readFile(path.join(target, 'workspaces.json'), 'utf8'))).toHaveProperty('poolabc.learnerId', 'alice');
    expect(await fs.readFile(path.join(target, 'learners/alice/home/link'), 'utf8')).toBe('FROM busybox\n');
    expect(await fs.readlink(path.join(target, 'learners/alice/home/link'))).toBe('project/Dockerfile');
    figure('backup (CLI, 500 passes + homes, server writing)', `${backupMs.toFixed(0)} ms; restore ${restoreMs.toFixed(0)} ms (both include tsx start-up)`);
  });

  it('restore refuses an archive entry that would leave the data dir', async () => {
    const tar = (await import('tar-stream')).default;
    const { createGzip } = await import('node:zlib');
    const { createWriteStream } = await import('node:fs');
    const { pipeline } = await import('node:stream/promises');
    const archive = path.join(dir('evil'), 'evil.tar.gz');
    await fs.mkdir(path.dirname(archive), { recursive: true });
    const pack = tar.pack();
    pack.entry({ name: '../escaped.json' }, '{}');
    pack.finalize();
    await pipeline(pack, createGzip(), createWriteStream(archive));
    await expect(restoreDataDir(archive, dir('evil-target'))).rejects.toThrow(/not a lab data file/);
    await expect(fs.stat(path.join(path.dirname(dir('evil-target')), 'escaped.json'))).rejects.toThrow();
  });

  it('a backup of a data dir without lab.db holds only what is there', async () => {
    const empty = dir('empty');
    await fs.mkdir(empty, { recursive: true });
    const result = await backupDataDir(empty, path.join(empty, '..', `empty-${process.pid}.tar.gz`));
    dirs.push(result.archive);
    expect(result.files).toBe(0);
  });
});
