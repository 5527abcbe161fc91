import { describe, expect, it } from 'vitest';
import type { RosterRow, WorkshopStep } from '@/lab-server/protocol/workshop';
import { cellFor, groupSteps, passedCount, passedPerStep, sessionLabel, stuckLearners, stuckMinutes, STUCK_AFTER_MS } from './grid-model';

const MIN = 60_000;
const steps: WorkshopStep[] = [
  { chapter: 'first-commands', chapterTitle: 'First commands', id: 'two-web-servers', title: 'Run two web servers' },
  { chapter: 'first-commands', chapterTitle: 'First commands', id: 'all-clean', title: 'Clean up' },
  { chapter: 'images', chapterTitle: 'Images', id: 'pull', title: 'Pull an image' },
];

function row(patch: Partial<RosterRow> = {}): RosterRow {
  return {
    seat: '0123456789ab',
    name: 'Ada',
    joinedAt: 0,
    session: 'ready',
    connected: true,
    idleMs: 0,
    expiresAt: null,
    cpuPercent: null,
    memoryMb: null,
    passed: {},
    current: null,
    panes: ['1'],
    ...patch,
  };
}

describe('groupSteps', () => {
  it('groups consecutive steps of a chapter, keeping the order', () => {
    const groups = groupSteps(steps);
    expect(groups.map((g) => [g.chapter, g.chapterTitle, g.steps.map((s) => s.id)])).toEqual([
      ['first-commands', 'First commands', ['two-web-servers', 'all-clean']],
      ['images', 'Images', ['pull']],
    ]);
    expect(groupSteps([])).toEqual([]);
  });
});

describe('cells', () => {
  const now = 100 * MIN;

  it('a passed step shows its time, even when it is also the current one', () => {
    const learner = row({ passed: { 'first-commands/two-web-servers': 42 }, current: { chapter: 'first-commands', step: 'two-web-servers', since: 0 } });
    expect(cellFor(learner, steps[0]!, now)).toEqual({ kind: 'passed', at: 42 });
  });

  it('the current step is stuck only after five minutes on it', () => {
    const fresh = row({ current: { chapter: 'first-commands', step: 'all-clean', since: now - 4 * MIN } });
    expect(cellFor(fresh, steps[1]!, now)).toEqual({ kind: 'current', since: now - 4 * MIN, stuckMinutes: null });
    const stuck = row({ current: { chapter: 'first-commands', step: 'all-clean', since: now - 7.5 * MIN } });
    expect(cellFor(stuck, steps[1]!, now)).toMatchObject({ kind: 'current', stuckMinutes: 7 });
    expect(cellFor(stuck, steps[2]!, now)).toEqual({ kind: 'todo' });
  });

  it('the threshold itself is not stuck yet', () => {
    expect(stuckMinutes(0, STUCK_AFTER_MS)).toBeNull();
    expect(stuckMinutes(0, STUCK_AFTER_MS + 1)).toBe(5);
  });
});

describe('counts', () => {
  it('counts only the workshop steps a learner passed', () => {
    const learner = row({ passed: { 'first-commands/all-clean': 1, 'networking/other': 2 } });
    expect(passedCount(learner, steps)).toBe(1);
  });

  it('counts learners per step', () => {
    const rows = [row({ passed: { 'first-commands/all-clean': 1 } }), row({ seat: 'ffffffffffff', passed: { 'first-commands/all-clean': 2, 'images/pull': 3 } })];
    expect(passedPerStep(rows, steps)).toEqual([0, 2, 1]);
  });

  it('lists stuck learners longest first', () => {
    const now = 60 * MIN;
    const rows = [
      row({ seat: 'aaaaaaaaaaaa', name: 'A', current: { chapter: 'images', step: 'pull', since: now - 6 * MIN } }),
      row({ seat: 'bbbbbbbbbbbb', name: 'B', current: { chapter: 'images', step: 'pull', since: now - 20 * MIN } }),
      row({ seat: 'cccccccccccc', name: 'C', current: { chapter: 'images', step: 'pull', since: now - MIN } }),
      row({ seat: 'dddddddddddd', name: 'D', current: null }),
    ];
    expect(stuckLearners(rows, now)).toEqual([
      { seat: 'bbbbbbbbbbbb', name: 'B', minutes: 20 },
      { seat: 'aaaaaaaaaaaa', name: 'A', minutes: 6 },
    ]);
  });
});

it('names session states for an instructor', () => {
  expect(sessionLabel('ready')).toBe('running');
  expect(sessionLabel('none')).toBe('no workspace');
  expect(sessionLabel('something-new')).toBe('something-new');
});
