import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A second view of the learners' directories, mounted `nosymfollow`: the engine resolves bind
 * sources through it, so a symlink a learner plants in their home (even one swapped in after a
 * check) never leads outside it. Needs root and Linux ≥ 5.10; undefined when unavailable, and
 * then home bind mounts are refused rather than allowed unsafely.
 */
export async function mountNoSymfollowView(source: string, target: string): Promise<string | undefined> {
  await fs.mkdir(source, { recursive: true });
  await fs.mkdir(target, { recursive: true });
  // A mount left by a lab that was killed may show a directory that has since been deleted and
  // recreated (a fresh checkout at the same path): always start from a fresh one. Containers
  // running from the old one keep their own mounts.
  await unmountAll(target);
  try {
    await run('mount', ['--bind', source, target]);
    await run('mount', ['-o', 'remount,bind,nosymfollow', target]);
    return target;
  } catch {
    await run('umount', ['-l', target]).catch(() => undefined);
    return undefined;
  }
}

export async function unmountView(target: string): Promise<void> {
  await run('umount', ['-l', target]).catch(() => undefined);
}

/** Unmounts every mount stacked on `target`. */
async function unmountAll(target: string): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const mounts = await fs.readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
    if (!mounts.split('\n').some((line) => line.split(' ')[4] === target)) return;
    await run('umount', ['-l', target]).catch(() => undefined);
  }
}
