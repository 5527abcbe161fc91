import fs from 'node:fs';
import path from 'node:path';
import { defaultRecipesRoot } from '../images/catalog';
import type { WorkspaceHooks } from '../sessions/manager';
import type { DockerPractice } from './hub';

/** The workspace image's ~/.bashrc, copied into each new home (the bind mount hides the image's /root). */
function seedFiles(): Record<string, string> {
  const bashrc = fs.readFileSync(path.join(defaultRecipesRoot, 'workspace', 'bashrc'), 'utf8');
  return { '.bashrc': bashrc, '.profile': '# ~/.profile: login shells read ~/.bashrc too.\n[ -f ~/.bashrc ] && . ~/.bashrc\n' };
}

/** Ties Docker practice to the workspace life cycle. */
export function practiceHooks(practice: DockerPractice): WorkspaceHooks {
  const seed = seedFiles();
  return {
    prepare: (key) => practice.prepare(key, seed),
    attached: (learnerId, key) => practice.listen(learnerId, key),
    // A reset gives a fresh workspace: a fresh home and no Docker objects, as after `end`.
    ended: (learnerId, key) => practice.release(learnerId, key),
    discarded: (key) => practice.discard(key),
    reap: (live) => practice.reap(live),
  };
}
