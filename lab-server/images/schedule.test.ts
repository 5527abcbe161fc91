import { describe, expect, it } from 'vitest';
import { runInOrder } from './schedule';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runInOrder', () => {
  const jobs = [
    { name: 'base' },
    { name: 'workspace', after: 'base' },
    { name: 'httpd', after: 'base' },
    { name: 'busybox', after: 'base' },
  ];

  it('runs parents first and at most `concurrency` jobs at once', async () => {
    const events: string[] = [];
    let running = 0;
    let peak = 0;
    await runInOrder(jobs, 2, async (job) => {
      running += 1;
      peak = Math.max(peak, running);
      events.push(`start ${job.name}`);
      await tick(job.name === 'workspace' ? 20 : 5);
      events.push(`end ${job.name}`);
      running -= 1;
    });
    expect(peak).toBe(2);
    expect(events[0]).toBe('start base');
    expect(events[1]).toBe('end base');
    expect(events.slice(2, 4)).toEqual(['start workspace', 'start httpd']);
    expect(events.filter((e) => e.startsWith('end'))).toHaveLength(4);
  });

  it('skips the children of a failed job, finishes the others, then rejects with the failure', async () => {
    const ran: string[] = [];
    const failing = [{ name: 'a' }, { name: 'b', after: 'a' }, { name: 'c' }];
    await expect(
      runInOrder(failing, 2, async (job) => {
        ran.push(job.name);
        await tick();
        if (job.name === 'a') throw new Error('a broke');
      }),
    ).rejects.toThrow('a broke');
    expect(ran.sort()).toEqual(['a', 'c']);
  });

  it('treats a parent outside the list as done', async () => {
    const ran: string[] = [];
    await runInOrder([{ name: 'httpd', after: 'base' }], 2, async (job) => void ran.push(job.name));
    expect(ran).toEqual(['httpd']);
  });

  it('reports jobs that can never start', async () => {
    await expect(runInOrder([{ name: 'a', after: 'b' }, { name: 'b', after: 'a' }], 2, async () => {})).rejects.toThrow(/could not order/);
  });
});
