/**
 * `npm run backup -- <archive.tar.gz> [--data-dir DIR] [--homes]` and
 * `npm run restore -- <archive.tar.gz> [--data-dir DIR]`. The data dir defaults as `npm start`'s
 * does (`--data-dir`, then LAB_DATA_DIR, then `.lab-data`). Backup is safe while the lab runs;
 * restore refuses while it runs.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { backupDataDir, DataDirBusyError, restoreDataDir } from './backup';

const usage = 'usage: npm run backup -- <archive.tar.gz> [--data-dir DIR] [--homes]\n       npm run restore -- <archive.tar.gz> [--data-dir DIR]';

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { 'data-dir': { type: 'string' }, homes: { type: 'boolean', default: false } } });
  const archive = positionals[0];
  if ((command !== 'backup' && command !== 'restore') || !archive || positionals.length > 1) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const dataDir = path.resolve(values['data-dir'] ?? process.env.LAB_DATA_DIR ?? '.lab-data');
  if (command === 'backup') {
    const started = performance.now();
    const result = await backupDataDir(dataDir, path.resolve(archive), { homes: values.homes });
    process.stdout.write(`✓ backed up ${dataDir} → ${result.archive}: ${result.files} files, ${(result.bytes / 1024).toFixed(1)} KiB in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  }
  if (values.homes) process.stderr.write('(--homes is for backup; restore puts back whatever the archive holds)\n');
  const result = await restoreDataDir(path.resolve(archive), dataDir);
  process.stdout.write(`✓ restored ${result.files} files from ${archive} into ${dataDir}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected = error instanceof DataDirBusyError;
    process.stderr.write(`\n✗ ${(error as Error).message}\n${expected ? '' : (error as Error).stack ?? ''}\n`);
    process.exit(expected ? 3 : 1);
  },
);
