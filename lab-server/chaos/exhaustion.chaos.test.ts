import { statfs } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summary } from '../../bench/stats';
import { QUOTAS } from '../docker-proxy/limits';
import { createDockerClient } from '../runtime/docker-client';
import { WebSocket } from 'ws';
import { encodeAck, encodeInput, PROTOCOL } from '../protocol/terminal';
import { TermClient } from '../testing/term-client';
import { startPracticeHarness, type PracticeHarness, type PracticeLearner } from '../testing/practice-harness';
import { Learners } from './learners';
import { chaosDataDir, expectEchoWithinBudget, figure, LONG, SCALE, sleep } from './scale';
import { closeHarness } from './lab-process';

/**
 * One learner exhausts what their workspace may use, one resource at a time, while the others
 * type. The offender must hit a limit with an error they can read; the others' echo stays within
 * budget. Disk: the engine has no quota (docs/DOCKER-PRACTICE.md); the fills here are bounded,
 * and the figures say that nothing in the engine stopped them (the lab's disk guard, not part of
 * this harness, is tested in runtime/disk-guard.int.test.ts).
 */
const FLOOD_MS = LONG ? 15_000 : 5_000;
const FILL_MB = LONG ? 1024 : 256;

/** Kills, from the host, every process of a container whose command line contains `marker`, until none is left. */
async function killMatching(containerId: string, marker: string): Promise<void> {
  const docker = createDockerClient(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  for (let round = 0; round < 50; round++) {
    const top = (await docker.getContainer(containerId).top({ ps_args: '-eo pid,args' })) as { Titles: string[]; Processes: string[][] };
    const pids = top.Processes.filter((row) => row.join(' ').includes(marker)).map((row) => Number(row[0]));
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await sleep(100);
  }
  throw new Error(`processes matching ${marker} kept coming back`);
}

describe('resource exhaustion in one workspace', () => {
  let harness: PracticeHarness;
  let offender: PracticeLearner;
  let others: Learners;
  let baseline: number[] = [];
  const dataDir = chaosDataDir('exhaustion');

  async function underAttack(name: string, attack: () => Promise<string>): Promise<string> {
    const started = performance.now();
    const running = attack();
    const echo = await others.echoWhile(running, 3_000);
    const output = await running;
    figure(`exhaustion ${name}`, `${((performance.now() - started) / 1000).toFixed(1)} s; others' echo ${summary(echo)}`);
    expectEchoWithinBudget(echo, baseline);
    return output;
  }

  beforeAll(async () => {
    harness = await startPracticeHarness('exhaustion', { dataDir, maxWorkspacesPerIp: SCALE.learners + 2, maxWorkspaces: SCALE.learners + 2 });
    offender = await harness.learner();
    others = await Learners.start(harness.url, SCALE.learners - 1);
    await offender.sh('docker pull busybox >/dev/null');
    baseline = await others.echoWhile(Promise.resolve(), 3_000);
    figure(`exhaustion: no fault (${SCALE.learners - 1} learners typing)`, summary(baseline));
  }, 300_000);

  afterAll(async () => {
    await closeHarness(harness, others, dataDir);
  }, 180_000);

  it('fork bomb: stopped by the workspace pids limit', async () => {
    // The bomb's processes carry a marker in their command line; once it has run, the test kills
    // them from the host (inside, a full pids limit leaves no process to run pkill with).
    const output = await underAttack('fork bomb', async () => {
      const result = await offender.sh(`timeout -s KILL 6 bash -c ':(){ :|:& };:' lab-fork-bomb 2>&1 | grep -m1 -o 'fork: .*'`, 60_000);
      await killMatching(harness.lab.sessions.containerOf(offender.learnerId)!, 'lab-fork-bomb');
      return result.stdout + result.stderr;
    });
    figure('exhaustion fork bomb: the offender saw', JSON.stringify(output.trim().split('\n')[0]));
    expect(output).toMatch(/fork: (retry: )?Resource temporarily unavailable/);
    expect((await offender.sh('echo still-here')).stdout).toContain('still-here');
  });

  it('memory bomb: the biggest process is OOM-killed inside the workspace limit', async () => {
    const output = await underAttack('memory bomb', () => offender.sh('head -c 3G /dev/zero | tail > /dev/null; echo "exit $?"', 120_000).then((r) => r.stdout + r.stderr));
    figure('exhaustion memory bomb: the offender saw', JSON.stringify(output.trim()));
    expect(output).toMatch(/exit 137/);
    expect((await offender.sh('echo still-here')).stdout).toContain('still-here');
  });

  it('output flood: paced by flow control, nobody else notices', async () => {
    // The flooder's "browser" only acks (no decoding): it shares this process with the server, a real one would not.
    const ws = new WebSocket(`${harness.url.replace(/^http/, 'ws')}/api/lab/terminal`, PROTOCOL, { headers: { cookie: offender.cookie } });
    let bytes = 0;
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      bytes += data.byteLength - 1;
      ws.send(encodeAck(data.byteLength - 1));
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ t: 'hello', v: 1, paneId: '2', lastSeq: null, cols: 100, rows: 30 }));
    await sleep(1_000);
    const output = await underAttack('output flood (yes, one pane)', async () => {
      const before = bytes;
      ws.send(encodeInput(new TextEncoder().encode('yes lab-flood-line-of-some-length\r')));
      await sleep(FLOOD_MS);
      ws.send(encodeInput(new TextEncoder().encode('\x03')));
      return `${((bytes - before) / 1024 / 1024 / (FLOOD_MS / 1000)).toFixed(1)} MB/s to the offender`;
    });
    figure('exhaustion output flood: rate', output);
    ws.close();
    const term = new TermClient(harness.url, offender.cookie);
    await term.hello('2', null);
    expect(await term.run('echo flood-over', 20_000)).toContain('flood-over');
    await term.close();
  });

  it(`${SCALE.floodAttempts} × docker run -d: the container quota answers`, async () => {
    const n = SCALE.floodAttempts;
    const output = await underAttack(`${n} × docker run -d`, () =>
      offender.sh(`ok=0; for i in $(seq ${n}); do docker run -d busybox sleep 600 >/dev/null 2>/tmp/err && ok=$((ok+1)); done; echo "started $ok"; head -1 /tmp/err`, 900_000).then((r) => r.stdout + r.stderr),
    );
    figure(`exhaustion ${n} × docker run -d: the offender saw`, JSON.stringify(output.trim()));
    await offender.sh('docker rm -f $(docker ps -aq) >/dev/null 2>&1; true', 300_000);
    expect(output).toContain(`started ${QUOTAS.containers}`);
    expect(output).toMatch(/you already have 30 containers, the most the lab allows/);
  });

  it(`${SCALE.floodAttempts} × docker network create: the network quota answers`, async () => {
    const n = SCALE.floodAttempts;
    const output = await underAttack(`${n} × docker network create`, () =>
      offender.sh(`ok=0; for i in $(seq ${n}); do docker network create n$i >/dev/null 2>/tmp/err && ok=$((ok+1)); done; echo "created $ok"; head -1 /tmp/err`, 900_000).then((r) => r.stdout + r.stderr),
    );
    figure(`exhaustion ${n} × docker network create: the offender saw`, JSON.stringify(output.trim()));
    await offender.sh('docker network prune -f >/dev/null 2>&1; true', 300_000);
    expect(output).toContain(`created ${QUOTAS.networks}`);
    expect(output).toMatch(/you already have 10 networks, the most the lab allows/);
  });

  it(`disk fill (${FILL_MB} MB, bounded by this test) of the workspace filesystem, a tmpfs and a volume: what stops it`, async () => {
    const free = async () => (await statfs('/var/lib/docker').then((s) => s.bavail * s.bsize, () => 0)) / 1024 / 1024 / 1024;
    const before = await free();
    const rootfs = await underAttack(`disk fill ${FILL_MB} MB of the workspace filesystem`, () =>
      offender.sh(`dd if=/dev/zero of=/var/tmp/fill bs=1M count=${FILL_MB} 2>&1 | tail -1; rm -f /var/tmp/fill`, 300_000).then((r) => r.stdout + r.stderr),
    );
    const tmpfs = await offender.sh('docker run --rm --tmpfs /t:size=64m busybox dd if=/dev/zero of=/t/fill bs=1M count=128 2>&1', 120_000);
    const volume = await underAttack(`disk fill ${FILL_MB} MB of a volume`, () =>
      offender.sh(`docker volume create fill >/dev/null && docker run --rm -v fill:/d busybox dd if=/dev/zero of=/d/fill bs=1M count=${FILL_MB} 2>&1 | tail -1; docker volume rm fill >/dev/null`, 300_000).then((r) => r.stdout + r.stderr),
    );
    figure('exhaustion disk: workspace filesystem', `${JSON.stringify(rootfs.trim())} — no quota stopped it (overlay2 on ext4: no per-container size limit)`);
    figure('exhaustion disk: tmpfs in a learner container', `${JSON.stringify((tmpfs.stdout + tmpfs.stderr).trim().split('\n')[0])} — the tmpfs size (≤ 256 MiB) stops it`);
    figure('exhaustion disk: volume', `${JSON.stringify(volume.trim())} — no quota stopped it (local volumes share the engine's disk)`);
    figure('exhaustion disk: engine filesystem free', `${before.toFixed(1)} GB before, ${(await free()).toFixed(1)} GB after (fills removed)`);
    expect(tmpfs.stdout + tmpfs.stderr).toMatch(/No space left on device/);
  });
});
