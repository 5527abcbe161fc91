import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { aptGetInstall, findExecutable, isDebianLike, isExecutableFile, isRoot, shorten } from './docker';
import { PreflightError, type Detail } from './progress';

/**
 * Preflight for the end-to-end tests: a Chromium to drive. Uses CHROMIUM_PATH when set,
 * else the distribution's chromium; installs Debian's `chromium` package when missing and
 * allowed (root on Debian). Never downloads a browser build of its own.
 */

const NAMES = ['chromium', 'chromium-browser'];

/** Where a distribution chromium is, if any. */
export function findChromium(pathEnv = process.env.PATH): string | undefined {
  for (const name of NAMES) {
    const found = findExecutable(name, pathEnv);
    if (found) return found;
  }
  return isExecutableFile('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/** The error (with the one command to run) when no chromium is installed and we may not install it. */
export function chromiumMissingError(ctx: { isRoot: boolean; debianLike: boolean }): PreflightError {
  if (ctx.debianLike) {
    return new PreflightError(
      'Chromium is not installed (the end-to-end tests drive it).',
      `${ctx.isRoot ? '' : 'sudo '}apt-get install -y chromium`,
    );
  }
  return new PreflightError(
    'Chromium is not installed (the end-to-end tests drive it).',
    "Install your distribution's chromium package, or set CHROMIUM_PATH to a Chromium or Chrome binary.",
  );
}

export async function ensureChromium(detail: Detail, opts: { logDir?: string } = {}): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) {
      throw new PreflightError(`CHROMIUM_PATH=${fromEnv} is not an executable file.`, 'Point CHROMIUM_PATH at a chromium binary, or unset it to use /usr/bin/chromium.');
    }
    await report(fromEnv, detail);
    return fromEnv;
  }

  const found = findChromium();
  if (found) {
    await report(found, detail);
    return found;
  }

  const ctx = { isRoot: isRoot(), debianLike: isDebianLike() };
  if (!ctx.isRoot || !ctx.debianLike) throw chromiumMissingError(ctx);

  const logFile = path.join(opts.logDir ?? os.tmpdir(), 'apt-chromium.log');
  detail(`installing Debian's chromium with apt-get (log: ${logFile})…`);
  await aptGetInstall(['chromium'], { detail, logFile, fix: 'apt-get install -y chromium', recommends: true });
  const installed = findChromium();
  if (!installed) throw new PreflightError('apt-get installed chromium, but no chromium binary is on PATH.', `See ${logFile}`);
  await report(installed, detail);
  return installed;
}

/** Says which Chromium is used; a binary that cannot even print its version is an error. */
async function report(executable: string, detail: Detail): Promise<void> {
  const version = await new Promise<{ ok: boolean; text: string }>((resolve) => {
    execFile(executable, ['--version'], { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve(error ? { ok: false, text: shorten(stderr || error.message, 200) } : { ok: true, text: shorten(stdout, 100) });
    });
  });
  if (!version.ok) {
    throw new PreflightError(`${executable} does not run: ${version.text}`, `Reinstall it (apt-get install --reinstall -y chromium) or set CHROMIUM_PATH to a working binary.`);
  }
  detail(`${version.text} at ${executable}`);
}
