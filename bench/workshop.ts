/**
 * bench:workshop — a simulated class: 50 learners (headless clients on loopback) join one workshop
 * within the join window, each gets a prompt, types, and re-checks its step every 2 s like a
 * visible <Step> does until it passes (it removes the container that keeps it failing a few rounds
 * in), while an instructor console follows the live feed and one more learner
 * measures keystroke echo. The lab server runs in its own process so its CPU and memory are its own.
 * Baselines come from the same run: echo and check latency of the same learner before the rush.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../lab-server/config';
import { PROJECT_ROOT } from '../lab-server/http/server';
import { runPreflight } from '../lab-server/preflight';
import type { Workshop, WorkshopView } from '../lab-server/protocol/workshop';
import { EventStreamClient } from '../lab-server/testing/event-stream-client';
import { TermClient } from '../lab-server/testing/term-client';
import { line, percentile, summary } from './stats';

const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 50);
const JOIN_WINDOW_MS = Number(process.env.BENCH_JOIN_WINDOW_S ?? 30) * 1000;
/** How long each learner keeps typing and checking after its prompt appears. */
const ACTIVE_MS = Number(process.env.BENCH_ACTIVE_S ?? 30) * 1000;
/** Workspaces started ahead when the workshop is created (the default is one per seat); 0 measures cold joins. */
const PREWARM = process.env.BENCH_PREWARM === undefined ? undefined : Number(process.env.BENCH_PREWARM);
const KEY = 'bench-workshop-instructor-key';
const STEP = 'first-commands/all-clean';
const dataDir = path.join(PROJECT_ROOT, '.lab-data', 'bench-workshop');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CLOCK_TICKS = 100; // USER_HZ on Linux

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['bench/workshop-server.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LAB_DATA_DIR: dataDir, LAB_INSTRUCTOR_KEY: KEY, LAB_MAX_WORKSPACES: String(LEARNERS + 10), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (text) => resolve({ child, url: (JSON.parse(text) as { url: string }).url }));
    child.once('exit', (code) => reject(new Error(`lab server exited with ${code}`)));
  });
}

/** The server process's CPU seconds so far and its resident memory, from /proc. */
function processUsage(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuSeconds, rssMb: rssKb / 1024 };
}

/** CPU seconds so far of the Docker engine's own processes (dockerd, containerd and the shims that are alive). */
function engineCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!/^(dockerd|containerd|containerd-shim|runc)/.test(name)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Own time plus that of waited-for children (runc, iptables…).
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

/** tsx runs the server as a child of its own: the node process that listens is the deepest descendant. */
function serverPid(rootPid: number): number {
  let pid = rootPid;
  for (;;) {
    let children: string[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return pid;
    }
    if (children.length === 0) return pid;
    pid = Number(children[0]);
  }
}

async function main(): Promise<void> {
  process.stderr.write('preflight…\n');
  const config = loadConfig([], { ...process.env, LAB_DATA_DIR: dataDir, PORT: '0' }, PROJECT_ROOT);
  const { docker } = await runPreflight(config, { projectRoot: PROJECT_ROOT, site: false, chromium: false });
  rmSync(path.join(dataDir, 'lab.db'), { force: true });
  const { child, url: base } = await startServer();
  const pid = serverPid(child.pid!);
  const instructorHeaders = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  let learnerCookies: string[] = [];
  let workshop: Workshop | undefined;
  try {
    process.stdout.write(`\nbench:workshop — ${new Date().toISOString()} — Docker ${(await docker.version()).Version}, ${LEARNERS} learners joining within ${JOIN_WINDOW_MS / 1000} s, active ${ACTIVE_MS / 1000} s each, load ${loadavg()[0]!.toFixed(1)}\n\n`);
    workshop = (await (
      await fetch(`${base}/api/lab/workshops`, { method: 'POST', headers: instructorHeaders, body: JSON.stringify({ title: 'bench class', chapters: ['first-commands'], seats: LEARNERS + 1, durationMinutes: 60, ...(PREWARM !== undefined ? { prewarm: PREWARM } : {}) }) })
    ).json()) as Workshop;
    // The instructor creates the workshop before the class: wait for the workspaces started ahead.
    const wantWarm = Math.min(PREWARM ?? LEARNERS + 1, LEARNERS + 1);
    const warmStarted = performance.now();
    let warm = 0;
    while (warm < wantWarm && performance.now() - warmStarted < 300_000) {
      await sleep(500);
      warm = ((await (await fetch(`${base}/api/lab/workshops/${workshop.id}`, { headers: instructorHeaders })).json()) as WorkshopView).workshop.warmWorkspaces;
    }
    const warmSeconds = (performance.now() - warmStarted) / 1000;

    const join = async (name: string) => {
      const res = await fetch(`${base}/api/lab/workshops/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: workshop!.code, name }) });
      if (!res.ok) throw new Error(`join answered ${res.status}: ${await res.text()}`);
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
      learnerCookies.push(cookie);
      for (;;) {
        const status = (await (await fetch(`${base}/api/lab/session`, { headers: { cookie } })).json()) as { state: string; message?: string };
        if (status.state === 'ready') break;
        if (status.state === 'error' || status.state === 'ended') throw new Error(`${name}: ${status.state} ${status.message}`);
        await sleep(150);
      }
      const term = new TermClient(base, cookie);
      term.maxOutputChars = 4096;
      await term.hello('1', null);
      await term.run('echo ready', 30_000);
      return { cookie, term };
    };
    const check = async (cookie: string) => {
      const started = performance.now();
      const res = await fetch(`${base}/api/lab/checks/${STEP}?auto=1`, { method: 'POST', headers: { cookie } });
      const body = (await res.json()) as { passed?: boolean };
      return { ms: performance.now() - started, passed: body.passed === true, status: res.status, at: Date.now() };
    };
    const echoOnce = async (term: TermClient, char: string) => {
      const before = term.bytes;
      const started = performance.now();
      term.type(char);
      await term.until(() => term.bytes > before, 5_000, 'echo');
      return performance.now() - started;
    };

    // Baselines: one learner alone.
    const observer = await join('observer');
    observer.term.type('cat\r');
    await sleep(300);
    const quietEcho: number[] = [];
    for (let i = 0; i < 200; i++) {
      quietEcho.push(await echoOnce(observer.term, String.fromCharCode(97 + (i % 26))));
      await sleep(10);
    }
    const quietChecks: number[] = [];
    // Alone, with the check really running each time (typing in between), as the rush's first checks do.
    for (let i = 0; i < 10; i++) {
      observer.term.type('x');
      await sleep(20);
      quietChecks.push((await check(observer.cookie)).ms);
    }
    const before = processUsage(pid);
    const engineBefore = engineCpuSeconds();

    const feed = new EventStreamClient<WorkshopView>(`${base}/api/lab/workshops/${workshop.id}/events`, { authorization: `Bearer ${KEY}` });
    let rushing = true;
    let peakRss = before.rssMb;
    const memoryTimer = setInterval(() => (peakRss = Math.max(peakRss, processUsage(pid).rssMb)), 500);
    const rushEcho: number[] = [];
    const echoLoop = (async () => {
      for (let i = 0; rushing; i++) {
        rushEcho.push(await echoOnce(observer.term, String.fromCharCode(97 + (i % 26))));
        await sleep(20);
      }
    })();

    const rushStart = performance.now();
    const promptMs: number[] = [];
    const checkMs: number[] = [];
    const checkErrors: number[] = [];
    const firstPass = new Map<string, number>();
    let failedJoins = 0;
    const learnersDone = Array.from({ length: LEARNERS }, async (_, index) => {
      await sleep((index * JOIN_WINDOW_MS) / LEARNERS);
      const name = `learner-${String(index + 1).padStart(2, '0')}`;
      const joinedAt = performance.now();
      let learner;
      try {
        learner = await join(name);
      } catch (error) {
        failedJoins++;
        process.stderr.write(`${(error as Error).message}\n`);
        return;
      }
      promptMs.push(performance.now() - joinedAt);
      // The step (no containers left) is not done while "parked" exists; the learner removes it a few rounds in.
      learner.term.type('docker create --name parked busybox >/dev/null\r');
      const until = performance.now() + ACTIVE_MS;
      let passed = false;
      for (let round = 0; performance.now() < until; round++) {
        if (round === 5) learner.term.type('docker rm parked\r');
        else if (round % 2 === 0) learner.term.type('ls -la ~ | wc -l\r');
        if (!passed) {
          // Like a visible <Step>: a background re-check every 2 s until it passes.
          const result = await check(learner.cookie);
          if (result.status === 200) checkMs.push(result.ms);
          else checkErrors.push(result.status);
          if (result.passed) {
            passed = true;
            firstPass.set(name, result.at);
          }
        }
        await sleep(2_000);
      }
      await learner.term.close();
    });
    await Promise.all(learnersDone);
    const rushSeconds = (performance.now() - rushStart) / 1000;
    const allPrompts = Math.max(...promptMs.map((ms, index) => ms + (index * JOIN_WINDOW_MS) / LEARNERS)) / 1000;
    rushing = false;
    await echoLoop;
    clearInterval(memoryTimer);
    const after = processUsage(pid);
    const engineAfter = engineCpuSeconds();

    // Grid latency: from a learner's first passing check to the first console view showing it.
    const gridMs: number[] = [];
    for (const [name, passedAt] of firstPass) {
      const shown = feed.events.find((entry) => entry.data.learners.some((row) => row.name === name && row.passed[STEP] !== undefined));
      if (shown) gridMs.push(Math.max(0, shown.at - passedAt));
    }
    const lastView = feed.events.at(-1)?.data;
    const memories = lastView?.learners.map((row) => row.memoryMb).filter((value): value is number => value !== null) ?? [];
    feed.close();

    line('workspaces started ahead at creation', wantWarm > 0 ? `${warm}/${wantWarm} in ${warmSeconds.toFixed(0)} s, before the class` : 'none (BENCH_PREWARM=0: cold joins)', '');
    line('learners with a prompt', `${promptMs.length}/${LEARNERS} (${failedJoins} failed)`, 'all');
    line('join → usable prompt, per learner', summary(promptMs, 0), '');
    line('time until all have a prompt (from the first join)', `${allPrompts.toFixed(1)} s`, 'within the join window + a few s');
    line('console grid update after a pass', summary(gridMs, 0), 'p95 ≤ 2000 ms');
    line('step check latency during the rush', summary(checkMs, 0) + (checkErrors.length ? ` ${checkErrors.length} refused` : ''), 'p95 ≤ 500 ms');
    line('  baseline: the same check, one learner alone', summary(quietChecks, 0), '');
    line('keystroke echo of a learner during the rush', summary(rushEcho), 'p99 ≤ 50 ms');
    line('  baseline: the same learner before the rush', summary(quietEcho), '');
    line('lab server CPU during the rush', `${(((after.cpuSeconds - before.cpuSeconds) / rushSeconds) * 100).toFixed(0)} % of one core (${(after.cpuSeconds - before.cpuSeconds).toFixed(1)} s over ${rushSeconds.toFixed(0)} s)`, '');
    line('Docker engine CPU during the rush', `${(((engineAfter - engineBefore) / rushSeconds) * 100).toFixed(0)} % of one core (dockerd, containerd, live shims; the machine has ${cpus().length})`, '');
    line('lab server memory (RSS)', `${before.rssMb.toFixed(0)} MB before, peak ${peakRss.toFixed(0)} MB, ${((peakRss - before.rssMb) / LEARNERS).toFixed(1)} MB per learner`, '');
    if (memories.length > 0) line('workspace memory per learner (docker stats)', `p50 ${percentile(memories, 50).toFixed(1)} MB  max ${Math.max(...memories).toFixed(1)} MB (n=${memories.length})`, '');
    const endStarted = performance.now();
    await fetch(`${base}/api/lab/workshops/${workshop.id}/end`, { method: 'POST', headers: instructorHeaders });
    line('ending the workshop (every workspace removed)', `${((performance.now() - endStarted) / 1000).toFixed(1)} s for ${LEARNERS + 1} learners`, '');
    workshop = undefined;
    learnerCookies = [];
  } finally {
    if (workshop) await fetch(`${base}/api/lab/workshops/${workshop.id}/end`, { method: 'POST', headers: instructorHeaders }).catch(() => undefined);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:workshop failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
