import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './db';

describe('progress store (SQLite)', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-store-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the first pass of a step per learner, and survives reopening', () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.recordPass('alice', 'first-commands', 'two-web-servers', 1000);
    store.recordPass('alice', 'first-commands', 'two-web-servers', 5000);
    store.recordPass('bob', 'data', 'named-volume', 2000);
    expect(store.passedSteps('alice')).toEqual([{ chapter: 'first-commands', step: 'two-web-servers', passedAt: 1000 }]);
    store.close();
    const again = openStore(dir);
    expect(again.passedSteps('alice')).toHaveLength(1);
    expect(again.passedSteps('bob')).toEqual([{ chapter: 'data', step: 'named-volume', passedAt: 2000 }]);
    expect(again.passedSteps('carol')).toEqual([]);
    again.close();
  });
});
