/**
 * `npm run bench:proxy`: the same docker CLI commands against a learner's proxy socket and against
 * the raw engine socket, interleaved in one run, with the proxy/raw ratio of the medians. Never
 * fails on time. Loopback only; removes everything it creates.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../lab-server/config';
import { PROJECT_ROOT } from '../lab-server/http/server';
import { runPreflight } from '../lab-server/preflight';
import { startPracticeHarness } from '../lab-server/testing/practice-harness';
import { line, percentile } from './stats';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const RAW = 'unix:///var/run/docker.sock';
const BENCH_LABEL = 'lab.bench=proxy';
/** The raw side runs with the limits the proxy adds, so the ratio is the proxy's own cost. */
const HARDENED = ['--memory', '512m', '--memory-swap', '512m', '--cpus', '1', '--pids-limit', '256', '--cap-drop', 'ALL', '--cap-add', 'CHOWN', '--cap-add', 'SETUID', '--cap-add', 'SETGID', '--security-opt', 'no-new-privileges', '--ulimit', 'nofile=1024:4096', '--ulimit', 'nproc=1024', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=2'];

async function timed(host: string, args: string[], options: { cwd?: string } = {}): Promise<number> {
  const started = performance.now();
  await run('docker', args, { env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0' }, maxBuffer: 256 * 1024 * 1024, ...options });
  return performance.now() - started;
}

async function compare(name: string, goal: number, proxy: () => Promise<number>, raw: () => Promise<number>): Promise<void> {
  const p: number[] = [];
  const r: number[] = [];
  await proxy(); // warm both paths once
  await raw();
  for (let i = 0; i < ROUNDS; i++) {
    p.push(await proxy());
    r.push(await raw());
  }
  const pm = percentile(p, 50);
  const rm = percentile(r, 50);
  line(name, `proxy ${pm.toFixed(0)} ms  raw ${rm.toFixed(0)} ms  ratio ${(pm / rm).toFixed(2)}×  (n=${ROUNDS})`, `≤ ${goal}×`);
}

async function main(): Promise<void> {
  const config = loadConfig([], { ...process.env, LAB_DATA_DIR: '.lab-data/test', PORT: '0', LOG_LEVEL: 'silent' }, PROJECT_ROOT);
  await runPreflight(config, { projectRoot: PROJECT_ROOT, site: false, chromium: false });
  const harness = await startPracticeHarness('bench');
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-proxy-'));
  try {
    const learner = await harness.learner();
    const proxy = `unix://${learner.socketPath}`;
    process.stdout.write(`docker CLI on the host, ${ROUNDS} interleaved rounds each; raw = the engine socket itself\n\n`);
    await timed(proxy, ['pull', 'busybox']);

    // Twenty containers each side; the raw side filters to its own by label, as the proxy does.
    for (let i = 0; i < 20; i++) {
      await timed(proxy, ['run', '-d', '--name', `ps${i}`, 'busybox', 'sleep', '600']);
      await timed(RAW, ['run', '-d', '--label', BENCH_LABEL, '--name', `bench-raw-ps${i}`, 'busybox', 'sleep', '600']);
    }
    await compare('docker ps (20 containers)', 1.2, () => timed(proxy, ['ps']), () => timed(RAW, ['ps', '--filter', `label=${BENCH_LABEL}`]));
    await compare('docker run --rm busybox true', 1.5, () => timed(proxy, ['run', '--rm', 'busybox', 'true']), () => timed(RAW, ['run', '--rm', '--label', BENCH_LABEL, ...HARDENED, 'busybox', 'true']));
    await compare('docker exec <c> echo', 1.2, () => timed(proxy, ['exec', 'ps0', 'echo', 'hi']), () => timed(RAW, ['exec', 'bench-raw-ps0', 'echo', 'hi']));

    // 15 MB of logs each (the lab keeps at most 2 × 10 MB of a learner container's log).
    const logScript = 'head -c 15728640 /dev/zero | tr "\\0" "x" | fold -w 99';
    await timed(proxy, ['run', '--name', 'logs', 'busybox', 'sh', '-c', logScript]);
    await timed(RAW, ['run', '--label', BENCH_LABEL, ...HARDENED, '--name', 'bench-raw-logs', 'busybox', 'sh', '-c', logScript]);
    await compare('docker logs (15 MB)', 1.2, () => timed(proxy, ['logs', 'logs']), () => timed(RAW, ['logs', 'bench-raw-logs']));
    await compare('docker run, 50 MB of attached output', 1.2, () => timed(proxy, ['run', '--rm', 'busybox', 'sh', '-c', 'head -c 52428800 /dev/zero']), () => timed(RAW, ['run', '--rm', '--label', BENCH_LABEL, ...HARDENED, 'busybox', 'sh', '-c', 'head -c 52428800 /dev/zero']));

    await fs.writeFile(path.join(work, 'Dockerfile'), 'FROM busybox\nCOPY payload.txt /payload.txt\nRUN wc -c /payload.txt\n');
    await fs.writeFile(path.join(work, 'payload.txt'), 'x'.repeat(256 * 1024));
    await compare('docker build --no-cache (small context)', 1.2, () => timed(proxy, ['build', '-q', '--no-cache', '-t', 'benchimg', '.'], { cwd: work }), () => timed(RAW, ['build', '-q', '--no-cache', '--label', BENCH_LABEL, '-t', 'bench-raw-img', '.'], { cwd: work }));

    // Memory of idle learners: sockets open, nothing happening.
    const IDLE = 200;
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        globalThis.gc?.();
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await settle();
    const before = process.memoryUsage();
    for (let i = 0; i < IDLE; i++) await harness.lab.practice.listen(`bench-idle-${i.toString().padStart(3, '0')}`);
    await settle();
    const after = process.memoryUsage();
    // RSS moves by whole arenas and is noise at this size; the JS heap and buffers are what a learner costs.
    const heapKb = (after.heapUsed + after.external - before.heapUsed - before.external) / IDLE / 1024;
    line('proxy memory per idle learner', `${heapKb.toFixed(1)} KB heap+buffers (${IDLE} idle sockets; RSS ${((after.rss - before.rss) / 1024 / 1024).toFixed(1)} MB in all)`, '≤ 2 MB');
    for (let i = 0; i < IDLE; i++) await harness.lab.practice.release(`bench-idle-${i.toString().padStart(3, '0')}`);
  } finally {
    const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=${BENCH_LABEL}`]);
    const ids = stdout.split('\n').filter(Boolean);
    if (ids.length) await run('docker', ['rm', '-f', ...ids]).catch(() => undefined);
    await run('docker', ['rmi', 'bench-raw-img']).catch(() => undefined);
    await harness.close();
    await fs.rm(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:proxy failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
