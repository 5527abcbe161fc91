/**
 * `npm run bench:lab`: the live-terminal figures of the lab, each next to a baseline measured in
 * the same run on the same engine. Prints numbers; never fails on time. Loopback only, bounded.
 */
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { loadConfig } from '../lab-server/config';
import { createLabServer, PROJECT_ROOT } from '../lab-server/http/server';
import { workspaceImageRef } from '../lab-server/images';
import { createLogger } from '../lab-server/log';
import { runPreflight } from '../lab-server/preflight';
import { createWorkspace, removeWorkspace } from '../lab-server/runtime/workspaces';
import { startSession, TermClient } from '../lab-server/testing/term-client';
import { browserFigures } from './browser';
import { line, percentile, summary } from './stats';

const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 8);
const ECHO_SAMPLES = Number(process.env.BENCH_ECHO_SAMPLES ?? 400);
const WARM_STARTS = Number(process.env.BENCH_WARM_STARTS ?? 8);
/** Idle panes for the per-pane memory figure: four per learner (the per-learner cap). */
const IDLE_PANES = Number(process.env.BENCH_IDLE_PANES ?? 16);
/** Concurrent workspaces for the many-learners figure (the is 100); 0 skips it. Heavy: run it on a quiet machine. */
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 0);

// Every client here is 127.0.0.1: lift the per-address cap meant for a classroom (the idle-pane figure uses several learners).
const config = loadConfig([], { LAB_MAX_WORKSPACES_PER_IP: '500', ...process.env, LAB_DATA_DIR: '.lab-data/bench', PORT: '0', LOG_LEVEL: 'silent' }, PROJECT_ROOT);
const limits = { memoryMb: config.workspaceMemoryMb, cpus: config.workspaceCpus, pids: config.workspacePids };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rawShell(docker: Docker, containerId: string): Promise<Socket> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: ['bash', '-l'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true });
  return (await exec.start({ hijack: true, stdin: true, Tty: true } as Docker.ExecStartOptions)) as unknown as Socket;
}

function waitFor(socket: Socket, needle: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${needle}"`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes(needle)) {
        clearTimeout(timer);
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
}

async function rawColdStart(docker: Docker): Promise<number> {
  const learnerId = `bench-raw-${randomBytes(4).toString('hex')}`;
  const started = performance.now();
  const workspace = await createWorkspace(docker, { instance: 'bench', image: workspaceImageRef(config), learnerId, limits, allowEgress: false });
  const shell = await rawShell(docker, workspace.id);
  shell.write('echo READY-$((1+1))\r');
  await waitFor(shell, 'READY-2');
  const ms = performance.now() - started;
  shell.destroy();
  await removeWorkspace(docker, 'bench', learnerId);
  return ms;
}

async function labColdStart(base: string): Promise<number> {
  const started = performance.now();
  const cookie = await startSession(base);
  const term = new TermClient(base, cookie);
  await term.hello('1', null);
  term.type('echo READY-$((1+1))\r');
  await term.until(() => term.output.includes('READY-2'), 10_000, 'prompt');
  const ms = performance.now() - started;
  await term.close();
  await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } });
  return ms;
}

/** Start → usable prompt when a warm workspace is waiting (a second lab server, its own data dir, --warm-pool 1). */
async function warmStarts(docker: Docker): Promise<number[]> {
  const warmConfig = { ...config, dataDir: `${config.dataDir}-warm`, warmPool: 1 };
  const lab = await createLabServer(warmConfig, { serveSite: false, docker, logger: createLogger('silent', false) });
  const base = await lab.listen();
  const samples: number[] = [];
  try {
    for (let i = 0; i < WARM_STARTS; i++) {
      const deadline = Date.now() + 60_000;
      while (lab.sessions.warmWorkspaces < 1 && Date.now() < deadline) await sleep(50);
      await sleep(300); // let the refill's engine work settle: time the claim, not a concurrent boot
      samples.push(await labColdStart(base));
    }
  } finally {
    await lab.sessions.drainPool();
    await lab.close();
  }
  return samples;
}

/** Lab-server memory and workspace shell RSS per idle pane (each pane: a shell at its prompt, its ring and its screen mirror). */
async function idlePaneMemory(base: string, lab: Awaited<ReturnType<typeof createLabServer>>): Promise<{ heapMb: number; rssMb: number; shellRssMb: number; panes: number }> {
  const learners = Math.ceil(IDLE_PANES / 4);
  const cookies: string[] = [];
  for (let i = 0; i < learners; i++) cookies.push(await startSession(base));
  try {
    return await measureIdlePanes(base, lab, cookies);
  } finally {
    for (const cookie of cookies) await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } });
  }
}

async function measureIdlePanes(base: string, lab: Awaited<ReturnType<typeof createLabServer>>, cookies: string[]) {
  global.gc?.();
  await sleep(200);
  const before = process.memoryUsage();
  const terms: TermClient[] = [];
  const shellRss: number[] = [];
  for (let i = 0; i < IDLE_PANES; i++) {
    const term = new TermClient(base, cookies[Math.floor(i / 4)]);
    term.maxOutputChars = 4096;
    await term.hello(String((i % 4) + 1), null, 120, 30);
    const rss = Number((await term.run('ps -o rss= -p $$')).match(/(\d+)\s*$/m)?.[1]);
    if (Number.isFinite(rss)) shellRss.push(rss / 1024);
    terms.push(term);
  }
  // The client side of this process holds a little too (sockets, 4 KiB of text each): counted against us.
  await sleep(1000);
  global.gc?.();
  await sleep(200);
  const after = process.memoryUsage();
  const panes = lab.panes.size;
  for (const term of terms) await term.close();
  const per = (bytes: number) => bytes / panes / 1024 / 1024;
  return {
    heapMb: per(after.heapUsed + after.external - before.heapUsed - before.external),
    rssMb: per(after.rss - before.rss),
    shellRssMb: shellRss.reduce((a, b) => a + b, 0) / Math.max(1, shellRss.length),
    panes,
  };
}

/** N learners at once, each with a connected pane: how many become usable, and keystroke echo across all of them. */
async function manyWorkspaces(base: string, count: number): Promise<{ usable: number; startMs: number; echo: number[] }> {
  const started = performance.now();
  const cookies = (await Promise.allSettled(Array.from({ length: count }, () => startSession(base, undefined, 300_000)))).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const terms: TermClient[] = [];
  try {
    for (const cookie of cookies) {
      const term = new TermClient(base, cookie);
      term.maxOutputChars = 4096;
      try {
        await term.hello('1', null);
        await term.run('true', 30_000);
        terms.push(term);
      } catch {
        await term.close();
      }
    }
    const startMs = performance.now() - started;
    // Round-robin over every pane: one keystroke each, 20 rounds, so all are live at once.
    for (const term of terms) term.type('cat\r');
    await sleep(500);
    const echo: number[] = [];
    for (let round = 0; round < 20; round++) {
      for (const term of terms) {
        const before = term.bytes;
        const t0 = performance.now();
        term.type(String.fromCharCode(97 + (round % 26)));
        await term.until(() => term.bytes > before, 10_000, 'echo');
        echo.push(performance.now() - t0);
      }
    }
    return { usable: terms.length, startMs, echo };
  } finally {
    for (const term of terms) await term.close();
    await Promise.all(cookies.map((cookie) => fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } })));
  }
}

async function rawEcho(docker: Docker, containerId: string): Promise<number[]> {
  const shell = await rawShell(docker, containerId);
  shell.write('cat\r');
  await sleep(300);
  const samples: number[] = [];
  for (let i = 0; i < ECHO_SAMPLES; i++) {
    const char = String.fromCharCode(97 + (i % 26));
    const started = performance.now();
    const echoed = waitFor(shell, char);
    shell.write(char);
    await echoed;
    samples.push(performance.now() - started);
    await sleep(5);
  }
  shell.destroy();
  return samples;
}

async function labEcho(term: TermClient): Promise<number[]> {
  term.type('cat\r');
  await sleep(300);
  const samples: number[] = [];
  for (let i = 0; i < ECHO_SAMPLES; i++) {
    const before = term.bytes;
    const started = performance.now();
    term.type(String.fromCharCode(97 + (i % 26)));
    await term.until(() => term.bytes > before, 5_000, 'echo');
    samples.push(performance.now() - started);
    await sleep(5);
  }
  term.type('\x03');
  return samples;
}

async function ctrlCStop(term: TermClient): Promise<number> {
  term.type('yes\r');
  await sleep(2000);
  const sent = performance.now();
  term.type('\x03');
  let lastBytes = term.bytes;
  let lastChange = performance.now();
  while (performance.now() - lastChange < 100) {
    await sleep(5);
    if (term.bytes !== lastBytes) {
      lastBytes = term.bytes;
      lastChange = performance.now();
    }
    if (performance.now() - sent > 10_000) break;
  }
  return lastChange - sent;
}

async function floodMemory(term: TermClient, seconds: number): Promise<{ growthMb: number; mbPerSecond: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const startBytes = term.bytes;
  term.type('yes lab-flood-line-of-some-length\r');
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await sleep(250);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  term.type('\x03');
  const elapsed = (performance.now() - started) / 1000;
  await sleep(500);
  return { growthMb: (peak - before) / 1024 / 1024, mbPerSecond: (term.bytes - startBytes) / 1024 / 1024 / elapsed };
}

async function main(): Promise<void> {
  process.stderr.write('preflight…\n');
  const { docker } = await runPreflight(config, { projectRoot: PROJECT_ROOT, site: false, chromium: false });
  const lab = await createLabServer(config, { serveSite: false, docker, logger: createLogger('silent', false) });
  const base = await lab.listen();
  process.stdout.write(`\nbench:lab — ${new Date().toISOString()} — Docker ${(await docker.version()).Version}, ${COLD_STARTS} cold starts, ${ECHO_SAMPLES} echo samples\n\n`);

  const raw: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    raw.push(await rawColdStart(docker));
    ours.push(await labColdStart(base));
  }
  line('cold start → usable prompt (lab, HTTP+WS)', summary(ours, 0), '≤ 800 / 1500 ms, ≤ 1.5× raw');
  line('  baseline: raw dockerode create+start+exec', summary(raw, 0), '');
  line('  ratio lab/raw at p50', (percentile(ours, 50) / percentile(raw, 50)).toFixed(2) + '×', '≤ 1.5×');
  const warm = await warmStarts(docker);
  line('warm-pool start → usable prompt (--warm-pool 1)', summary(warm, 0), '≤ 200 ms (p50)');

  const idle = await idlePaneMemory(base, lab);
  line(`per idle pane (${idle.panes} panes, 120×30)`, `server heap+external ${idle.heapMb.toFixed(2)} MB, RSS ${idle.rssMb.toFixed(2)} MB; shell RSS ${idle.shellRssMb.toFixed(2)} MB`, '≤ 3 MB / ≤ 10 MB');

  const cookie = await startSession(base);
  const term = new TermClient(base, cookie);
  term.maxOutputChars = 64 * 1024;
  await term.hello('1', null);
  await term.run('true');
  const containerId = lab.sessions.containerOf((await import('../lab-server/sessions/identity')).learnerFromToken(cookie.split('=')[1]!).id)!;
  const rawSamples = await rawEcho(docker, containerId);
  const labSamples = await labEcho(term);
  line('keystroke echo over the lab WebSocket', summary(labSamples), '≤ 2 / 5 ms (p50 / p99)');
  line('  baseline: raw hijacked exec socket', summary(rawSamples), '');
  line('  overhead at p50', `${(percentile(labSamples, 50) - percentile(rawSamples, 50)).toFixed(2)} ms`, '≤ 0.5 ms');

  await sleep(300);
  const stops: number[] = [];
  for (let i = 0; i < 5; i++) {
    stops.push(await ctrlCStop(term));
    await sleep(300);
  }
  line('Ctrl-C during yes → output stops', summary(stops, 0), '≤ 250 ms');

  const flood = await floodMemory(term, Number(process.env.BENCH_FLOOD_SECONDS ?? 20));
  line(`lab-server RSS growth (client in-process, output discarded) during a ${process.env.BENCH_FLOOD_SECONDS ?? 20} s flood`, `${flood.growthMb.toFixed(1)} MB (at ${flood.mbPerSecond.toFixed(1)} MB/s to the client)`, '≤ 32 MB');

  await term.close();
  await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } });

  if (WORKSPACES > 0) {
    const many = await manyWorkspaces(base, WORKSPACES);
    line(`${WORKSPACES} concurrent workspaces with connected panes`, `${many.usable}/${WORKSPACES} usable after ${(many.startMs / 1000).toFixed(1)} s; echo ${summary(many.echo)}`, 'all usable; echo p99 ≤ 50 ms');
  }
  await lab.close();

  if (process.env.BENCH_BROWSER !== '0') {
    // A server that also serves the guide (its own data dir, so the two never reap each other's workspaces).
    const site = await createLabServer({ ...config, dataDir: `${config.dataDir}-browser` }, { docker, logger: createLogger('silent', false) });
    try {
      const figures = await browserFigures(await site.listen());
      line('keystroke → rendered in Chromium (DOM renderer)', summary(figures.echo), '≤ 16.7 / 33 ms (p50 / p99)');
      line('  the same while another visible pane floods', summary(figures.echoUnderFlood), 'p99 ≤ 100 ms');
      line(
        `output into the browser (${figures.megabytes.toFixed(0)} MB base64)`,
        `${figures.throughputMBs.toFixed(1)} MB/s, longest frame ${figures.longestFrameMs.toFixed(0)} ms`,
        '≥ 15 MB/s, no frame > 100 ms',
      );
    } finally {
      await site.close();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
    process.exit(1);
  },
);
