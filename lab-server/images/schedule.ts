/**
 * Runs jobs that depend on one another: a job starts once its parent has succeeded, at most
 * `concurrency` at a time, in list order otherwise. A job whose parent failed is skipped.
 * Waits for every started job, then rejects with the first failure.
 */
export interface Job {
  name: string;
  /** Name of a job in the same list that must succeed first (ignored if not in the list). */
  after?: string | undefined;
}

export async function runInOrder<J extends Job>(jobs: readonly J[], concurrency: number, run: (job: J) => Promise<void>): Promise<void> {
  const names = new Set(jobs.map((j) => j.name));
  const state = new Map<string, 'ok' | 'failed'>();
  const failures: unknown[] = [];
  const pending = [...jobs];
  const running = new Set<Promise<void>>();

  for (;;) {
    for (let i = 0; i < pending.length && running.size < concurrency; ) {
      const job = pending[i]!;
      const parent = job.after !== undefined && names.has(job.after) ? state.get(job.after) : 'ok';
      if (parent === 'failed') {
        pending.splice(i, 1);
        state.set(job.name, 'failed');
        continue;
      }
      if (parent !== 'ok') {
        i += 1;
        continue;
      }
      pending.splice(i, 1);
      const task: Promise<void> = run(job).then(
        () => void state.set(job.name, 'ok'),
        (error: unknown) => {
          state.set(job.name, 'failed');
          failures.push(error);
        },
      );
      const tracked = task.finally(() => running.delete(tracked));
      running.add(tracked);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  if (failures.length > 0) throw failures[0];
  if (pending.length > 0) throw new Error(`could not order jobs: ${pending.map((j) => `${j.name} (after ${j.after})`).join(', ')}`);
}
