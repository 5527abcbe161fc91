import { describe, expect, it } from 'vitest';
import { markStarted, STORAGE_KEY, wasStarted, type StorageLike } from './lab-state';

function memoryStorage(initial?: string): StorageLike & { value: string | null } {
  return {
    value: initial ?? null,
    getItem() {
      return this.value;
    },
    setItem(_key, value) {
      this.value = value;
    },
  };
}

describe('markStarted', () => {
  it('records a started, open lab that a guide page re-attaches to', () => {
    const storage = memoryStorage();
    expect(wasStarted(storage)).toBe(false);
    markStarted(storage);
    expect(wasStarted(storage)).toBe(true);
    expect(JSON.parse(storage.value!)).toEqual({ started: true, open: true });
  });

  it('keeps the learner’s layout', () => {
    const storage = memoryStorage(JSON.stringify({ started: false, panes: ['1', '2'], layout: 'split', open: false }));
    markStarted(storage);
    expect(JSON.parse(storage.value!)).toEqual({ started: true, panes: ['1', '2'], layout: 'split', open: true });
  });

  it('survives broken or missing storage', () => {
    const broken = memoryStorage('{not json');
    markStarted(broken);
    expect(wasStarted(broken)).toBe(true);
    expect(() => markStarted(undefined)).not.toThrow();
    const throwing: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(() => markStarted(throwing)).not.toThrow();
    expect(STORAGE_KEY).toBe('lab.v1');
  });
});
