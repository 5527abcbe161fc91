import fs from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { summary } from '../../bench/stats';
import { createDockerClient } from '../runtime/docker-client';
import { learnerFromToken } from '../sessions/identity';
import { startSession } from '../testing/term-client';
import { LabProcess, removeInstanceObjects, workspacesOnEngine } from './lab-process';
import { BrowserPane } from './learners';
import { chaosDataDir, expectEchoWithinBudget, figure, SCALE, sleep } from './scale';

/**
 * The lab server is SIGKILLed while every learner types and one is in the middle of a
 * `docker build`, then started again by its "process manager" (this test). Every workspace is
 * re-adopted, every learner's page reconnects by itself (the page's own LabSocket), nothing is
 * orphaned or duplicated, no progress record is lost.
 */
const PORT = Number(process.env.CHAOS_PORT ?? 3142);
const docker = createDockerClient(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');

describe(`lab-server SIGKILL with ${SCALE.learners} learners typing`, () => {
  const dataDir = chaosDataDir('crash');
  const lab = new LabProcess(PORT, dataDir, ['--max-workspaces-per-ip', String(SCALE.learners + 5)]);
  const panes: BrowserPane[] = [];
  const cookies: string[] = [];

  afterAll(async () => {
    for (const pane of panes) pane.dispose();
    if (await fetch(`${lab.url}/api/lab/health`).then(() => true, () => false)) {
      await Promise.all(cookies.map((cookie) => fetch(`${lab.url}/api/lab/session`, { method: 'DELETE', headers: { cookie } }).catch(() => undefined)));
    }
    await lab.stop('SIGTERM');
    const left = await removeInstanceObjects(docker, dataDir);
    figure('crash: objects left for the safety net after the sessions ended', JSON.stringify(left));
    await fs.rm(dataDir, { recursive: true, force: true });
  }, 180_000);

  it('re-adopts every workspace, pages reconnect by themselves, nothing orphaned, duplicated or lost', async () => {
    await lab.start();
    // Learners arrive, open their pane (the page's own client) and pass a step check.
    cookies.push(...(await Promise.all(Array.from({ length: SCALE.learners }, () => startSession(lab.url, undefined, 180_000)))));
    for (const cookie of cookies) {
      const pane = new BrowserPane(lab.url, cookie);
      panes.push(pane);
      await pane.ready();
    }
    // The container a shell runs in, from inside (cgroup v1 names it): the same after the restart means re-adopted, not recreated.
    const containerOf = async (pane: BrowserPane) => /[0-9a-f]{64}/.exec(await pane.run('grep -o "[0-9a-f]\\{64\\}" /proc/self/cgroup | head -1', 30_000))?.[0];
    const hostnames = await Promise.all(panes.map(containerOf));
    expect(hostnames.every(Boolean)).toBe(true);
    for (const cookie of cookies) {
      const res = await fetch(`${lab.url}/api/lab/checks/installing/all-clean`, { method: 'POST', headers: { cookie } });
      expect(await res.json()).toMatchObject({ passed: true });
    }
    const builder = panes[0]!;
    await builder.run('docker pull busybox >/dev/null; mkdir -p ~/slow && cd ~/slow && printf "FROM busybox\\nRUN sleep 8 && echo built > /built\\n" > Dockerfile', 60_000);
    for (const pane of panes.slice(1)) pane.socket.sendText('cat\r');
    await sleep(300);

    // Everyone types; the builder starts a build that takes 8 s; the server is killed 3 s in.
    let typing = true;
    let killed = false;
    const before: number[] = [];
    const typists = panes.slice(1).map(async (pane, index) => {
      for (let i = 0; typing; i++) {
        const ms = await pane.echo(String.fromCharCode(97 + ((i + index) % 26))).catch(() => undefined);
        if (ms !== undefined && !killed) before.push(ms);
        await sleep(50);
      }
    });
    builder.socket.sendText('docker build -t slow . ; echo BUILD-EXIT-$?\r');
    await builder.until(() => builder.output.includes('sleep 8'), 30_000, 'the build to run its RUN step');
    await sleep(3_000);
    const killedAt = performance.now();
    killed = true;
    await lab.stop('SIGKILL');
    await sleep(1_000);
    const upMs = await lab.start();
    const restartedAt = performance.now();

    // No click: every page reconnects on its own.
    await Promise.all(panes.map((pane) => pane.ready(60_000)));
    const reconnectedMs = performance.now() - restartedAt;
    typing = false;
    await Promise.all(typists);
    // Keys typed into the fresh shells since the reconnect are still on their command lines.
    for (const pane of panes) pane.socket.sendText('\x03');
    await sleep(300);

    // Same containers (hostnames), one per learner, a fresh shell in each.
    const after = await Promise.all(panes.map(containerOf));
    expect(after).toEqual(hostnames);
    const onEngine = await workspacesOnEngine(docker, dataDir);
    const ids = cookies.map((cookie) => learnerFromToken(cookie.split('=')[1]!).id);
    for (const [index, id] of ids.entries()) expect(onEngine.get(id)).toEqual([hostnames[index]]);
    expect([...onEngine.keys()].sort()).toEqual([...ids].sort());

    // Every pass is still recorded.
    for (const cookie of cookies) {
      const progress = (await (await fetch(`${lab.url}/api/lab/progress`, { headers: { cookie } })).json()) as { steps: Array<{ chapter: string; step: string }> };
      expect(progress.steps).toContainEqual(expect.objectContaining({ chapter: 'installing', step: 'all-clean' }));
    }

    // The build was cut with an error the learner can read, and runs again to the end.
    const buildOutput = builder.output;
    const rebuilt = await builder.run('cd ~/slow && docker build -q -t slow . >/dev/null; echo REBUILD-EXIT-$?; docker run --rm slow cat /built', 90_000);
    expect(rebuilt).toContain('REBUILD-EXIT-0');
    expect(rebuilt).toContain('built');
    // The cut build left no intermediate container behind (the proxy builds with forcerm).
    const leftovers = (await docker.listContainers({ all: true })).filter((c) => c.Command.includes('sleep 8 && echo built'));
    expect(leftovers).toEqual([]);

    // Echo after recovery, over every pane.
    const echoAfter: number[] = [];
    for (const pane of panes.slice(1)) pane.socket.sendText('cat\r');
    await sleep(300);
    for (let round = 0; round < 10; round++) for (const pane of panes.slice(1)) echoAfter.push((await pane.echo(String.fromCharCode(97 + round)))!);
    figure(`crash: SIGKILL → health answers again (${SCALE.learners} workspaces re-adopted)`, `${((restartedAt - killedAt) / 1000).toFixed(1)} s (server start ${(upMs / 1000).toFixed(1)} s, after 1 s down)`);
    figure('crash: restart → every page ready again by itself', `${(reconnectedMs / 1000).toFixed(1)} s; ${panes.length}/${panes.length} same container, ${onEngine.size} workspaces on the engine for ${ids.length} learners, ${cookies.length}/${cookies.length} progress records kept`);
    figure('crash: the learner mid-build saw', JSON.stringify(/BUILD-EXIT-\d+/.exec(buildOutput)?.[0] ?? 'no exit line (the shell died with the server)'));
    figure('crash: echo before the kill / after recovery', `${summary(before)} / ${summary(echoAfter)}`);
    expectEchoWithinBudget(echoAfter, before);
  }, 600_000);
});
