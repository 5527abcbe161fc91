import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { LabConfig } from '../config';
import { createDockerClient } from '../runtime/docker-client';
import { PreflightError, type Detail } from './progress';

/**
 * Preflight: make sure a Docker Engine answers at `config.dockerHost`.
 *
 * On the usual single-machine install (root, Debian, default socket) it does what an
 * operator would do by hand: installs Debian's `docker.io` if dockerd is missing and
 * starts dockerd in the background. Everywhere else it stops with one readable line and
 * the one command to run (see `diagnoseEngineError`).
 */

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
const DOCKER_PIDFILE = '/var/run/docker.pid';
const PING_TIMEOUT_MS = 2_000;
const START_TIMEOUT_MS = 60_000;

export interface DockerEngine {
  docker: Docker;
  /** Engine version, e.g. "20.10.24+dfsg1". */
  version: string;
  /** Highest API version the engine speaks, e.g. "1.41". */
  apiVersion: string;
  /** True when this process started dockerd (or the docker service). */
  startedByUs: boolean;
}

/** What `diagnoseEngineError` needs to know about the machine; all plain data so tests need no Docker. */
export interface EngineContext {
  dockerHost: string;
  isRoot: boolean;
  /** Path of dockerd when installed. */
  dockerdPath?: string | undefined;
  /** /etc/debian_version exists and apt-get is on PATH. */
  debianLike: boolean;
  /** systemd is PID 1 (so `systemctl start docker` is the way to start the engine). */
  systemd: boolean;
  /** Where our own dockerd log would be. */
  dockerdLog?: string | undefined;
}

export async function ensureDockerEngine(config: LabConfig, detail: Detail): Promise<DockerEngine> {
  const docker = createDockerClient(config.dockerHost);
  const first = await probeEngine(docker);
  if (first.ok) return { docker, version: first.version, apiVersion: first.apiVersion, startedByUs: false };

  const logDir = path.join(config.dataDir, 'logs');
  const ctx = currentEngineContext(config.dockerHost, path.join(logDir, 'dockerd.log'));
  if (!canStartLocalEngine(first.error, ctx)) throw diagnoseEngineError(first.error, ctx);

  // A dockerd that is alive but not answering yet (still starting): wait for it rather than start another.
  const running = liveDockerdPid();
  if (running !== undefined) {
    detail(`dockerd (pid ${running}) is running but not answering yet; waiting for it…`);
    const answer = await waitForEngine(docker, detail, { deadlineMs: START_TIMEOUT_MS });
    if (answer.ok) return { docker, version: answer.version, apiVersion: answer.apiVersion, startedByUs: false };
    throw new PreflightError(
      `dockerd (pid ${running}) is running but ${socketOf(config.dockerHost)} did not answer within ${START_TIMEOUT_MS / 1000} s.`,
      `Look at the Docker daemon's log (journalctl -u docker, or ${ctx.dockerdLog} if the lab started it), then restart dockerd.`,
    );
  }

  if (!ctx.dockerdPath) {
    if (!ctx.debianLike) throw diagnoseEngineError(first.error, ctx);
    detail("installing Debian's docker.io with apt-get…");
    await aptGetInstall(['docker.io'], {
      detail,
      logFile: path.join(logDir, 'apt-docker.log'),
      fix: 'apt-get install -y docker.io',
      recommends: true,
    });
    ctx.dockerdPath = findExecutable('dockerd');
    if (!ctx.dockerdPath) {
      throw new PreflightError('apt-get installed docker.io but dockerd is still not on PATH.', `See ${path.join(logDir, 'apt-docker.log')}`);
    }
    // docker.io's postinst starts the service where an init system runs; it may already answer.
    const afterInstall = await probeEngine(docker);
    if (afterInstall.ok) return { docker, version: afterInstall.version, apiVersion: afterInstall.apiVersion, startedByUs: true };
  }

  const started = await startDockerd(docker, ctx.dockerdPath, ctx, logDir, detail);
  return { docker, version: started.version, apiVersion: started.apiVersion, startedByUs: true };
}

// ---------------------------------------------------------------------------------------
// Diagnosis (pure)

interface ErrorFacts {
  code?: string | undefined;
  statusCode?: number | undefined;
  message: string;
  timedOut: boolean;
}

function factsOf(err: unknown): ErrorFacts {
  if (typeof err !== 'object' || err === null) return { message: String(err), timedOut: false };
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown; name?: unknown; json?: unknown; reason?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const timedOut = name === 'TimeoutError' || name === 'AbortError' || code === 'ETIMEDOUT' || code === 'ABORT_ERR' || /timed? ?out|aborted/i.test(message);
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return { code, statusCode, message, timedOut };
}

const reasons: Record<string, string> = {
  ENOENT: 'the socket does not exist',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ETIMEDOUT: 'no answer',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
};

function reasonOf(f: ErrorFacts): string {
  if (f.timedOut) return `no answer within ${PING_TIMEOUT_MS / 1000} s`;
  if (f.code && reasons[f.code]) return reasons[f.code]!;
  if (f.statusCode) return `HTTP ${f.statusCode}`;
  return f.code ?? f.message;
}

function socketOf(dockerHost: string): string {
  return dockerHost.replace(/^(unix|npipe):\/\//, '');
}

function isDefaultSocket(dockerHost: string): boolean {
  const socket = socketOf(dockerHost);
  return dockerHost.startsWith('unix://') && (socket === DEFAULT_DOCKER_SOCKET || socket === '/run/docker.sock');
}

/** True when ensureDockerEngine may install/start dockerd itself for this failure. */
export function canStartLocalEngine(err: unknown, ctx: EngineContext): boolean {
  const f = factsOf(err);
  return ctx.isRoot && isDefaultSocket(ctx.dockerHost) && f.statusCode === undefined && (f.code === 'ENOENT' || f.code === 'ECONNREFUSED');
}

/**
 * Turns a failed ping into one readable line plus the one command that fixes it.
 * Pure: everything about the machine comes in `ctx`.
 */
export function diagnoseEngineError(err: unknown, ctx: EngineContext): PreflightError {
  const f = factsOf(err);
  const sudo = ctx.isRoot ? '' : 'sudo ';
  const host = ctx.dockerHost;

  if (f.statusCode !== undefined) {
    const text = f.message.replace(/^\(HTTP code \d+\)\s*/, '').trim();
    return new PreflightError(
      `The Docker Engine at ${host} answered the ping with an error (HTTP ${f.statusCode}): ${text}`,
      /https/i.test(text)
        ? `That endpoint expects TLS, which the lab does not speak: point --docker-host / DOCKER_HOST at a plain socket (e.g. unix://${DEFAULT_DOCKER_SOCKET}).`
        : 'Look at the Docker daemon log (journalctl -u docker) and restart it if needed.',
    );
  }

  if (!host.startsWith('unix://')) {
    return new PreflightError(
      `No Docker Engine answers at ${host} (${reasonOf(f)}).`,
      `Check --docker-host / DOCKER_HOST (now ${host}): the engine there must be running and listening, or unset it to use the local socket unix://${DEFAULT_DOCKER_SOCKET}.`,
    );
  }

  const socket = socketOf(host);
  if (f.code === 'EACCES' || f.code === 'EPERM') {
    return new PreflightError(
      `Permission denied on ${socket}: this user may not use the Docker Engine.`,
      'sudo usermod -aG docker $USER, then log out and back in (or start the lab as root).',
    );
  }

  if (f.timedOut) {
    return new PreflightError(
      `The Docker Engine at ${socket} accepted the connection but did not answer within ${PING_TIMEOUT_MS / 1000} s.`,
      ctx.systemd
        ? `${sudo}systemctl restart docker`
        : `Look at ${ctx.dockerdLog ?? 'the dockerd log'} and restart dockerd.`,
    );
  }

  if (!isDefaultSocket(host)) {
    return new PreflightError(
      `No Docker Engine answers at ${host} (${reasonOf(f)}).`,
      `Start the engine that owns ${socket}, or unset DOCKER_HOST / --docker-host to use the default unix://${DEFAULT_DOCKER_SOCKET}.`,
    );
  }

  const start = ctx.systemd ? `${sudo}systemctl start docker` : ctx.isRoot ? `dockerd >>/var/log/dockerd.log 2>&1 &` : `sudo sh -c 'dockerd >>/var/log/dockerd.log 2>&1 &'`;
  if (ctx.dockerdPath) {
    return new PreflightError(
      `The Docker Engine is installed (${ctx.dockerdPath}) but not running: ${socket}: ${reasonOf(f)}.`,
      ctx.isRoot ? start : `${start}   (or start the lab as root: it starts dockerd itself)`,
    );
  }
  if (ctx.debianLike) {
    return new PreflightError(
      `The Docker Engine is not installed (no dockerd on PATH, ${socket}: ${reasonOf(f)}).`,
      ctx.systemd ? `${sudo}apt-get install -y docker.io && ${sudo}systemctl start docker` : `${sudo}apt-get install -y docker.io && ${start}`,
    );
  }
  return new PreflightError(
    `The Docker Engine is not installed (no dockerd on PATH, ${socket}: ${reasonOf(f)}).`,
    'Install Docker Engine for your distribution (https://docs.docker.com/engine/install/), start it, then run this again.',
  );
}

// ---------------------------------------------------------------------------------------
// Probing and starting

type Probe = { ok: true; version: string; apiVersion: string } | { ok: false; error: unknown };

type VersionWithSignal = (opts: { abortSignal?: AbortSignal }) => Promise<Docker.DockerVersion>;

export async function probeEngine(docker: Docker, timeoutMs = PING_TIMEOUT_MS): Promise<Probe> {
  try {
    const version = docker.version.bind(docker) as unknown as VersionWithSignal;
    const v = await version({ abortSignal: AbortSignal.timeout(timeoutMs) });
    return { ok: true, version: v.Version, apiVersion: v.ApiVersion };
  } catch (error) {
    return { ok: false, error };
  }
}

async function waitForEngine(
  docker: Docker,
  detail: Detail,
  opts: { deadlineMs: number; exited?: () => string | undefined; logFile?: string },
): Promise<Probe> {
  const started = Date.now();
  let lastSaid = started;
  let last: Probe = { ok: false, error: new Error('not probed') };
  while (Date.now() - started < opts.deadlineMs) {
    const exit = opts.exited?.();
    if (exit) return { ok: false, error: new Error(exit) };
    last = await probeEngine(docker, 1_000);
    if (last.ok) return last;
    if (Date.now() - lastSaid >= 10_000) {
      lastSaid = Date.now();
      const tail = opts.logFile ? lastLogLine(opts.logFile) : undefined;
      detail(`still waiting for dockerd (${Math.round((Date.now() - started) / 1000)} s)${tail ? `: ${tail}` : ''}`);
    }
    await sleep(500);
  }
  return last;
}

async function startDockerd(docker: Docker, dockerdPath: string, ctx: EngineContext, logDir: string, detail: Detail): Promise<Extract<Probe, { ok: true }>> {
  if (ctx.systemd) {
    const systemctl = findExecutable('systemctl');
    if (systemctl) {
      detail('starting the docker service with systemctl…');
      const code = await run(systemctl, ['start', 'docker']);
      if (code === 0) {
        const answer = await waitForEngine(docker, detail, { deadlineMs: START_TIMEOUT_MS });
        if (answer.ok) return answer;
      }
      detail('systemctl start docker did not bring the engine up; starting dockerd directly…');
    }
  }

  removeStalePidfile(detail);
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = ctx.dockerdLog ?? path.join(logDir, 'dockerd.log');
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n--- ${new Date().toISOString()} started by the lab's preflight: ${dockerdPath}\n`);
  let exitReason: string | undefined;
  try {
    const child = spawn(dockerdPath, [], {
      detached: true,
      cwd: '/',
      stdio: ['ignore', out, out],
      env: { ...process.env, PATH: withSbin(process.env.PATH) },
    });
    child.on('error', (error) => (exitReason = `dockerd could not be started: ${error.message}`));
    child.on('exit', (code, signal) => (exitReason = `dockerd exited right after starting (${signal ?? `exit code ${code}`})`));
    child.unref();
    detail(`started dockerd in the background (pid ${child.pid ?? '?'}); its log is ${logFile}`);
  } finally {
    fs.closeSync(out);
  }

  const answer = await waitForEngine(docker, detail, { deadlineMs: START_TIMEOUT_MS, exited: () => exitReason, logFile });
  if (answer.ok) return answer;
  const tail = lastLogLine(logFile);
  throw new PreflightError(
    `${exitReason ?? `dockerd did not answer on ${socketOf(ctx.dockerHost)} within ${START_TIMEOUT_MS / 1000} s`}${tail ? `: ${tail}` : '.'}`,
    `Read ${logFile} for the cause, fix it, and run this again.`,
  );
}

/** The pid in /var/run/docker.pid when that process is a live dockerd. */
function liveDockerdPid(): number | undefined {
  const pid = readPidfile();
  if (pid === undefined || !processAlive(pid)) return undefined;
  return processName(pid) === 'dockerd' ? pid : undefined;
}

/** dockerd refuses to start while its pidfile names a live process; a dead or foreign pid is safe to clear. */
function removeStalePidfile(detail: Detail): void {
  const pid = readPidfile();
  if (pid === undefined) return;
  if (processAlive(pid) && processName(pid) === 'dockerd') return;
  try {
    fs.rmSync(DOCKER_PIDFILE, { force: true });
    detail(`removed the stale ${DOCKER_PIDFILE} (pid ${pid} is not a running dockerd)`);
  } catch {
    // dockerd will say what is wrong in its log
  }
}

function readPidfile(): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(DOCKER_PIDFILE, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function processName(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Machine facts and small process helpers (shared with chromium.ts and images/)

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function withSbin(pathEnv: string | undefined): string {
  const dirs = (pathEnv ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of SYSTEM_DIRS) if (!dirs.includes(dir)) dirs.push(dir);
  return dirs.join(path.delimiter);
}

/** Absolute path of an executable on PATH (plus the sbin directories), or undefined. */
export function findExecutable(name: string, pathEnv = process.env.PATH): string | undefined {
  for (const dir of withSbin(pathEnv).split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function isDebianLike(): boolean {
  return fs.existsSync('/etc/debian_version') && findExecutable('apt-get') !== undefined;
}

function currentEngineContext(dockerHost: string, dockerdLog: string): EngineContext {
  return {
    dockerHost,
    isRoot: isRoot(),
    dockerdPath: findExecutable('dockerd'),
    debianLike: isDebianLike(),
    systemd: fs.existsSync('/run/systemd/system'),
    dockerdLog,
  };
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, PATH: withSbin(process.env.PATH) } });
    child.on('error', () => resolve(-1));
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The most telling line at the end of a log: dockerd's "failed to start daemon" line, else its
 * last fatal/error message, else the last line.
 */
export function lastLogLine(file: string): string | undefined {
  let text: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, 8192);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      text = buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  return tellingLine(text);
}

export function tellingLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('--- '));
  const pick =
    lines.findLast((l) => l.startsWith('failed to start daemon')) ??
    lines.findLast((l) => /level=(fatal|error)/.test(l)) ??
    lines.at(-1);
  if (pick === undefined) return undefined;
  const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(pick);
  return shorten(msg ? msg[1]!.replace(/\\"/g, '"') : pick, 200);
}

/** One display line: terminal escapes and runs of white space removed, cut at `max` characters. */
export function shorten(line: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Runs a command with its output appended to `logFile`, and every `everyMs` says its latest
 * line through `detail` (prefixed with `prefix`). Resolves to the exit code and the last line.
 */
export function runLogged(
  command: string,
  args: string[],
  opts: { logFile: string; detail: Detail; prefix: string; env?: Record<string, string>; everyMs?: number; cwd?: string; onSpawn?: (pid: number) => void },
): Promise<{ code: number; lastLine: string | undefined }> {
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log = fs.createWriteStream(opts.logFile, { flags: 'a' });
  log.write(`\n--- ${new Date().toISOString()} $ ${[command, ...args].join(' ')}\n`);
  return new Promise((resolve) => {
    let lastLine: string | undefined;
    let lastSaid: string | undefined;
    let partial = '';
    const child = spawn(command, args, {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: withSbin(process.env.PATH), ...opts.env },
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) lastLine = shorten(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => {
      if (lastLine && lastLine !== lastSaid) {
        lastSaid = lastLine;
        opts.detail(`${opts.prefix}${lastLine}`);
      }
    }, opts.everyMs ?? 2_000);
    let done = false;
    const finish = (code: number, extra?: string) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      if (partial.trim()) lastLine = shorten(partial);
      if (extra) {
        lastLine = extra;
        log.write(`${extra}\n`);
      }
      log.write(`--- exit ${code}\n`);
      log.end(() => resolve({ code, lastLine }));
    };
    child.on('error', (error) => finish(-1, `could not run ${command}: ${error.message}`));
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : -1)));
  });
}

/**
 * `apt-get update && apt-get install -y PACKAGES` with the output in `logFile` and a progress
 * line every 2 s. Waits up to 2 minutes for another apt to release its lock.
 */
export async function aptGetInstall(
  packages: string[],
  opts: { detail: Detail; logFile: string; fix: string; recommends?: boolean },
): Promise<void> {
  const aptGet = findExecutable('apt-get');
  if (!aptGet) throw new PreflightError('apt-get is not available on this machine.', opts.fix);
  const env = { DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
  const common = ['-o', 'DPkg::Lock::Timeout=120', '-o', 'Dpkg::Use-Pty=0'];
  const update = await runLogged(aptGet, [...common, 'update'], { logFile: opts.logFile, detail: opts.detail, prefix: 'apt: ', env, everyMs: 5_000 });
  if (update.code !== 0) {
    // An index that fails to refresh is not fatal when the packages are already known.
    opts.detail(`apt-get update failed (${update.lastLine ?? `exit ${update.code}`}); trying the install anyway`);
  }
  const install = await runLogged(
    aptGet,
    [...common, 'install', '-y', ...(opts.recommends === false ? ['--no-install-recommends'] : []), ...packages],
    { logFile: opts.logFile, detail: opts.detail, prefix: 'apt: ', env, everyMs: 5_000 },
  );
  if (install.code !== 0) {
    throw new PreflightError(
      `apt-get install ${packages.join(' ')} failed (exit ${install.code})${install.lastLine ? `: ${install.lastLine}` : '.'} Full output: ${opts.logFile}`,
      opts.fix,
    );
  }
}
