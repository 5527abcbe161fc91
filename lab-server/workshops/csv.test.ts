import { describe, expect, it } from 'vitest';
import { csvField, progressCsv } from './csv';
import { rosterRow, workshopSteps } from './view';

const steps = workshopSteps(
  ['data', 'first-commands', 'missing'],
  [
    { slug: 'first-commands', title: 'First commands', steps: [{ id: 'two-web-servers', title: 'Two', check: { run: 'true' } }] },
    { slug: 'data', title: 'Data', steps: [{ id: 'bind-mount', title: 'Bind', check: { run: 'true' } }, { id: 'named-volume', title: 'Vol', check: { run: 'true' } }] },
  ] as never,
);

describe('workshop grid and CSV', () => {
  it('columns follow the workshop’s chapter order and skip unknown chapters', () => {
    expect(steps.map((step) => `${step.chapter}/${step.id}`)).toEqual(['data/bind-mount', 'data/named-volume', 'first-commands/two-web-servers']);
  });

  it('a learner’s current step is the first one not passed, since their latest pass', () => {
    const seat = { workshopId: 'w', seat: 's', learnerId: 'l', name: 'Ann', joinedAt: 1_000 };
    const passes = new Map([['data/bind-mount', 5_000], ['first-commands/two-web-servers', 9_000]]);
    const row = rosterRow(seat, steps, passes, { session: 'ready', connected: true, lastActivityAt: 9_500, panes: ['1'] }, 10_000);
    expect(row.current).toEqual({ chapter: 'data', step: 'named-volume', since: 9_000 });
    expect(row.idleMs).toBe(500);
    expect(rosterRow(seat, steps, undefined, { session: 'none', connected: false, panes: [] }, 10_000).current).toEqual({ chapter: 'data', step: 'bind-mount', since: 1_000 });
  });

  it('quotes fields and defuses spreadsheet formulas typed as names', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvField('-1+1')).toBe("'-1+1");
    const csv = progressCsv([{ workshopId: 'w', seat: 's', learnerId: 'l', name: '@Bob', joinedAt: 0 }], steps, new Map([['l', new Map([['data/bind-mount', 0]])]]));
    expect(csv.split('\r\n')[1]).toBe("'@Bob,1970-01-01T00:00:00.000Z,,1,3,1970-01-01T00:00:00.000Z,,");
  });
});
