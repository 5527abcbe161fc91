import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PreflightError } from './progress';

/** Makes sure the data directory exists and is writable, so we fail now rather than at the first learner. */
export async function ensureDataDir(dataDir: string): Promise<void> {
  const probe = path.join(dataDir, `.write-test-${process.pid}`);
  try {
    await mkdir(path.join(dataDir, 'logs'), { recursive: true });
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PreflightError(
      `The data directory ${dataDir} is not writable (${code}).`,
      'Choose a directory you can write with --data-dir DIR or LAB_DATA_DIR=DIR.',
    );
  }
}
