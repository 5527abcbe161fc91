import { describe, expect, it } from 'vitest';
import { parseLearnerWorkshop, readDismissed, shownBroadcasts, writeDismissed } from './learner-workshop';

const workshop = {
  id: '0123456789abcdef',
  title: 'Docker 101',
  chapters: [{ slug: 'first-commands', title: 'First commands' }, { bad: true }],
  endsAt: 5000,
  state: 'active',
  name: 'Ada',
  removed: false,
  broadcasts: [{ id: 1, message: 'Hello', sentAt: 10 }, { id: 2, message: 'Run this', command: 'docker ps', sentAt: 20 }, { id: 'x' }],
};

describe('parseLearnerWorkshop', () => {
  it('reads a workshop, dropping entries it cannot read', () => {
    expect(parseLearnerWorkshop({ workshop })).toEqual({
      ...workshop,
      chapters: [{ slug: 'first-commands', title: 'First commands' }],
      broadcasts: [
        { id: 1, message: 'Hello', sentAt: 10 },
        { id: 2, message: 'Run this', command: 'docker ps', sentAt: 20 },
      ],
    });
  });

  it('is null without a workshop or with a malformed one', () => {
    expect(parseLearnerWorkshop({ workshop: null })).toBeNull();
    expect(parseLearnerWorkshop(undefined)).toBeNull();
    expect(parseLearnerWorkshop({ workshop: { ...workshop, state: 'paused' } })).toBeNull();
    expect(parseLearnerWorkshop({ workshop: { ...workshop, endsAt: 'soon' } })).toBeNull();
  });

  it('reads removed and ended', () => {
    expect(parseLearnerWorkshop({ workshop: { ...workshop, removed: true, state: 'ended' } })).toMatchObject({ removed: true, state: 'ended' });
  });
});

describe('shownBroadcasts', () => {
  const list = [1, 2, 3, 4, 5].map((id) => ({ id, message: `m${id}`, sentAt: id * 100 }));

  it('shows the newest few not dismissed, newest first', () => {
    expect(shownBroadcasts(list, new Set()).map((b) => b.id)).toEqual([5, 4, 3]);
    expect(shownBroadcasts(list, new Set([5, 3])).map((b) => b.id)).toEqual([4, 2, 1]);
    expect(shownBroadcasts(list, new Set([1, 2, 3, 4, 5]))).toEqual([]);
  });
});

describe('dismissed ids', () => {
  it('round-trip through storage per workshop, and survive garbage', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    writeDismissed(storage, 'w1', new Set([3, 1]));
    expect([...readDismissed(storage, 'w1')].sort()).toEqual([1, 3]);
    expect(readDismissed(storage, 'w2').size).toBe(0);
    store.set('workshop.dismissed.w3', '{oops');
    expect(readDismissed(storage, 'w3').size).toBe(0);
    expect(readDismissed(undefined, 'w1').size).toBe(0);
  });
});
