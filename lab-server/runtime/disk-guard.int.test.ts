import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabServer, type LabServer } from '../http/server';
import { createLogger } from '../log';
import { learnerFromToken } from '../sessions/identity';
import { integrationConfig } from '../testing/integration-setup';
import { startSession, TermClient } from '../testing/term-client';

const MiB = 1024 * 1024;
const config = { ...integrationConfig(), port: 0, workspaceDiskMb: 64 };
const idOf = (cookie: string) => learnerFromToken(cookie.split('=')[1]!).id;

/**
 * Nothing in overlay2-on-ext4 limits how much a learner writes; the disk guard measures each lab
 * (writable layers, volumes, own image layers, home) and ends the one over --workspace-disk-mb,
 * with a message, while a learner under it carries on.
 */
describe('disk guard (real engine)', () => {
  let lab: LabServer;
  let base = '';
  beforeAll(async () => {
    lab = await createLabServer(config, { serveSite: false, logger: createLogger('silent', false) });
    base = await lab.listen();
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('ends the lab that writes past the limit, counts every place a learner can write, and spares the others', async () => {
    const [filler, tidy] = await Promise.all([startSession(base), startSession(base)]);
    const fill = new TermClient(base, filler);
    await fill.hello('1', null);
    await fill.run('head -c 40M /dev/zero > ~/home-fill && head -c 40M /dev/zero > /var/tmp/layer-fill && echo filled', 60_000);
    const calm = new TermClient(base, tidy);
    await calm.hello('1', null);
    await calm.run(
      "docker volume create notes >/dev/null && docker run --rm -v notes:/d busybox dd if=/dev/zero of=/d/f bs=1M count=10 2>/dev/null && docker run --name maker busybox dd if=/dev/zero of=/blob bs=1M count=6 2>/dev/null && docker commit maker mine:1 >/dev/null && echo made",
      90_000,
    );
    await calm.close();

    const usage = await lab.diskGuard!.check();
    const of = (cookie: string) => usage.find((entry) => entry.learnerId === idOf(cookie))!;
    expect(of(filler).parts.home).toBeGreaterThanOrEqual(40 * MiB);
    expect(of(filler).parts.containers).toBeGreaterThanOrEqual(40 * MiB);
    expect(of(filler).bytes).toBeGreaterThan(64 * MiB);
    expect(of(tidy).parts.volumes).toBeGreaterThanOrEqual(10 * MiB);
    expect(of(tidy).parts.containers).toBeGreaterThanOrEqual(6 * MiB);
    expect(of(tidy).parts.images).toBeGreaterThanOrEqual(6 * MiB);
    expect(of(tidy).bytes).toBeLessThan(64 * MiB);

    await fill.until(() => fill.closed !== undefined, 10_000, 'the filler’s terminal to close');
    const status = (await (await fetch(`${base}/api/lab/session`, { headers: { cookie: filler } })).json()) as { state: string; message: string };
    expect(status).toMatchObject({ state: 'ended', message: expect.stringContaining('64 MiB') });
    expect(await lab.docker.listContainers({ all: true, filters: { label: [`lab.learner=${idOf(filler)}`] } })).toHaveLength(0);
    expect(((await (await fetch(`${base}/api/lab/session`, { headers: { cookie: tidy } })).json()) as { state: string }).state).toBe('ready');
    await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie: tidy } });
  }, 180_000);
});
