import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLabServer, type LabServer } from '../http/server';
import { createLogger } from '../log';
import { LABEL } from '../runtime/labels';
import { integrationConfig } from '../testing/integration-setup';
import { TermClient } from '../testing/term-client';
import { learnerFromToken } from './identity';

const config = { ...integrationConfig(), port: 0, warmPool: 1 };
const quiet = () => createLogger('silent', false);

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('warm pool (real engine)', () => {
  const servers: LabServer[] = [];
  afterAll(async () => {
    const last = servers.at(-1);
    if (last) await last.sessions.drainPool();
    for (const server of servers) await server.close().catch(() => undefined);
  });

  it('a start claims a pre-started workspace (ready in the first answer); ownership survives a restart', async () => {
    const first = await createLabServer(config, { serveSite: false, logger: quiet() });
    servers.push(first);
    const firstUrl = await first.listen();
    await until(() => first.sessions.warmWorkspaces === 1, 60_000, 'a warm workspace');

    const res = await fetch(`${firstUrl}/api/lab/session`, { method: 'POST' });
    expect(((await res.json()) as { state: string }).state).toBe('ready'); // no "starting": nothing had to boot
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const learnerId = learnerFromToken(cookie.split('=')[1]!).id;
    const containerId = first.sessions.containerOf(learnerId)!;
    const term = new TermClient(firstUrl, cookie);
    await term.hello('1', null);
    expect(await term.run('echo warm-$((40+2))')).toContain('warm-42');
    await term.run('echo claimed-before-restart > /root/proof.txt');
    // Docker practice works in a claimed workspace: the learner's own socket, their home bind-mountable.
    expect(await term.run('docker run --rm -v /root:/h busybox cat /h/proof.txt 2>&1')).toContain('claimed-before-restart');
    expect(await term.run('docker ps -a --format "{{.Names}}" | wc -l')).toMatch(/^\s*0\s*$/m);
    await term.run('docker pull busybox >/dev/null 2>&1; docker run -d --name kept busybox sleep 600 >/dev/null');
    await term.close();

    // The container was made before its owner was known: its labels name the pool, and the
    // owner is recorded in the data directory instead.
    const labels = (await first.docker.getContainer(containerId).inspect()).Config.Labels;
    expect(labels[LABEL.pool]).toBe('1');
    expect(labels[LABEL.learner]).not.toBe(learnerId);
    const claims = JSON.parse(readFileSync(path.join(config.dataDir, 'workspaces.json'), 'utf8')) as Record<string, { learnerId: string }>;
    expect(claims[labels[LABEL.learner]!]?.learnerId).toBe(learnerId);
    await until(() => first.sessions.warmWorkspaces === 1, 60_000, 'the pool to refill');
    await first.close();

    const second = await createLabServer(config, { serveSite: false, logger: quiet() });
    servers.push(second);
    const secondUrl = await second.listen();
    const status = (await (await fetch(`${secondUrl}/api/lab/session`, { headers: { cookie } })).json()) as { state: string };
    expect(status.state).toBe('ready');
    expect(second.sessions.containerOf(learnerId)).toBe(containerId);
    expect(second.sessions.warmWorkspaces).toBe(1); // the unclaimed one went back to the pool, the claimed one did not
    const after = new TermClient(secondUrl, cookie);
    await after.hello('1', null);
    expect(await after.run('cat /root/proof.txt')).toContain('claimed-before-restart');
    expect(await after.run('docker ps --format "{{.Names}}"')).toContain('kept');
    await after.close();

    // Ending it removes the container and its network, and forgets the claim.
    await fetch(`${secondUrl}/api/lab/session`, { method: 'DELETE', headers: { cookie } });
    const gone = await second.docker
      .getContainer(containerId)
      .inspect()
      .then(
        () => false,
        (error: { statusCode?: number }) => error.statusCode === 404,
      );
    expect(gone).toBe(true);
    const networks = await second.docker.listNetworks({ filters: { label: [`${LABEL.learner}=${labels[LABEL.learner]}`] } });
    expect(networks).toHaveLength(0);
    expect(await second.docker.listContainers({ all: true, filters: { label: [`${LABEL.learner}=${learnerId}`] } })).toHaveLength(0);
    const claimsAfter = JSON.parse(readFileSync(path.join(config.dataDir, 'workspaces.json'), 'utf8')) as Record<string, unknown>;
    expect(claimsAfter[labels[LABEL.learner]!]).toBeUndefined();
  });
});
