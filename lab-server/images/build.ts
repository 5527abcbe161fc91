import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { aptGetInstall, findExecutable, isDebianLike, isRoot, runLogged, shorten } from '../preflight/docker';
import { PreflightError, type Detail } from '../preflight/progress';
import type { PlannedImage } from './catalog';

/** Labels on every catalog image. */
export const CATALOG_LABEL = 'lab.catalog';
export const HASH_LABEL = 'lab.recipe-hash';
export const NAME_LABEL = 'lab.image';
/** Put on the build stages of multi-stage recipes (`LABEL lab.build-stage=<name>`) so they can be removed after the build. */
export const STAGE_LABEL = 'lab.build-stage';

export function labelsFor(item: Pick<PlannedImage, 'name' | 'hash'>): Record<string, string> {
  return { [CATALOG_LABEL]: '1', [HASH_LABEL]: item.hash, [NAME_LABEL]: item.name };
}

export function logFileFor(logDir: string, name: string): string {
  return path.join(logDir, `${name.replaceAll('/', '-')}.log`);
}

/** Splits "repo/name:tag" into repo and tag (a registry port before the last '/' is not a tag). */
export function splitRef(ref: string): { repo: string; tag: string } {
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref, tag: 'latest' };
}

export interface BuildContext {
  docker: Docker;
  detail: Detail;
  /** <dataDir>/logs/images */
  logDir: string;
  /** Scratch space for the root filesystem (<dataDir>/tmp). */
  tmpDir: string;
  force: boolean;
  /** Catalog name → hash ref, for the BASE build argument. */
  refs: ReadonlyMap<string, string>;
}

/**
 * Says the latest line of a build at most once per `everyMs`, as
 * "building lab/workspace [3/7]: Setting up curl …", so a build shows it is alive without its log.
 */
export class ProgressLine {
  private step = '';
  private line = '';
  private said = '';
  private saidAt = 0;

  constructor(
    private readonly label: string,
    private readonly detail: Detail,
    private readonly everyMs = 1_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Feeds one line of build output (a "Step 3/7 : RUN …" line starts a new step). */
  push(raw: string): void {
    const text = shorten(raw, 500);
    if (!text) return;
    const step = /^Step (\d+\/\d+) : (.*)$/.exec(text);
    if (step) {
      this.step = step[1]!;
      this.line = step[2]!;
    } else if (/^(--->|Removing intermediate container|Successfully (built|tagged)|Sending build context)/.test(text)) {
      return;
    } else {
      this.line = text;
    }
    this.maybeSay();
  }

  private maybeSay(): void {
    const message = `${this.label}${this.step ? ` [${this.step}]` : ''}: ${shorten(this.line, 110)}`;
    if (message === this.said || this.now() - this.saidAt < this.everyMs) return;
    this.said = message;
    this.saidAt = this.now();
    this.detail(message);
  }
}

interface StreamEvent {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: unknown;
}

/** Follows a Docker JSON progress stream; resolves to the first error the stream reported, if any. */
function follow(docker: Docker, stream: NodeJS.ReadableStream, onEvent: (event: StreamEvent) => void): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let error: string | undefined;
    docker.modem.followProgress(
      stream,
      (err) => (err ? reject(err) : resolve(error)),
      (event: StreamEvent) => {
        if (event.error || event.errorDetail) error ??= (event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
        onEvent(event);
      },
    );
  });
}

function errorText(error: unknown): string {
  const e = error as { json?: { message?: unknown }; message?: unknown };
  const text = typeof e?.json?.message === 'string' ? e.json.message : typeof e?.message === 'string' ? e.message : String(error);
  return shorten(text.replace(/^\(HTTP code \d+\) [^-]*- /, ''), 300);
}

/** `docker build` of a recipe directory with the lab's labels, its output in the image's log file. */
async function buildDockerfile(item: PlannedImage, ctx: BuildContext, base: string | undefined, logFile: string): Promise<void> {
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const progress = new ProgressLine(`building ${item.name}`, ctx.detail);
  let partial = '';
  try {
    log.write(`--- ${new Date().toISOString()} docker build ${item.recipeDir} -t ${item.ref}${base ? ` --build-arg BASE=${base}` : ''}\n`);
    let error: string | undefined;
    try {
      const stream = await ctx.docker.buildImage(
        { context: item.recipeDir, src: item.files },
        {
          t: item.ref,
          buildargs: base ? { BASE: base } : {},
          labels: labelsFor(item),
          rm: true,
          forcerm: true,
          nocache: ctx.force && item.kind !== 'pull',
        },
      );
      error = await follow(ctx.docker, stream, (event) => {
        if (event.stream !== undefined) {
          log.write(event.stream);
          const lines = (partial + event.stream).split(/\r?\n|\r/);
          partial = lines.pop() ?? '';
          for (const line of lines) progress.push(line);
        } else if (event.status) log.write(`${event.status}\n`);
        if (event.error) log.write(`ERROR: ${event.errorDetail?.message ?? event.error}\n`);
      });
    } catch (err) {
      error = errorText(err);
      log.write(`ERROR: ${error}\n`);
    }
    if (error) throw new PreflightError(`Building ${item.name} failed: ${shorten(error, 300)}`, `Full build log: ${logFile}`);
  } finally {
    await new Promise<void>((resolve) => log.end(resolve));
  }
}

async function pull(ref: string, ctx: BuildContext, logFile: string): Promise<void> {
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const progress = new ProgressLine(`pulling ${ref}`, ctx.detail);
  try {
    log.write(`--- ${new Date().toISOString()} docker pull ${ref}\n`);
    let error: string | undefined;
    try {
      const stream = await ctx.docker.pull(ref);
      error = await follow(ctx.docker, stream, (event) => {
        if (event.status) {
          const line = `${event.id ? `${event.id}: ` : ''}${event.status}${event.progress ? ` ${event.progress}` : ''}`;
          if (!event.progress) log.write(`${line}\n`);
          progress.push(line);
        }
      });
    } catch (err) {
      error = errorText(err);
    }
    if (error) {
      log.write(`ERROR: ${error}\n`);
      if ((await imageId(ctx.docker, ref)) !== undefined) {
        ctx.detail(`could not pull ${ref} (${shorten(error, 80)}); using the copy this engine already has`);
        return;
      }
      throw new PreflightError(
        `Could not pull ${ref}: ${error}`,
        'Without access to Docker Hub use the offline catalog: --images offline (LAB_IMAGES=offline, the default).',
      );
    }
  } finally {
    await new Promise<void>((resolve) => log.end(resolve));
  }
}

/** Mount points at or below `dir` (deepest first), from /proc/self/mounts. */
function mountsBelow(dir: string): string[] {
  let text = '';
  try {
    text = fs.readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return [];
  }
  const prefix = `${path.resolve(dir)}/`;
  return text
    .split('\n')
    .map((line) => (line.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))))
    .filter((mountPoint) => mountPoint === path.resolve(dir) || mountPoint.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

const OWNER_FILE = 'owner.pid';

/** Removes scratch root filesystems left by builds whose process is gone (killed mid-debootstrap). */
function removeAbandonedScratch(tmpDir: string, detail: Detail): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(tmpDir).filter((name) => name.startsWith('rootfs-'));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(tmpDir, name);
    let owners: number[] = [];
    try {
      owners = fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8').split(/\s+/).map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
    } catch {
      // no owner file: abandoned before it was written
    }
    // Skip a build still running: its process, or the mkrootfs.sh it started (orphaned if the lab was killed).
    if (owners.some((pid) => pid !== process.pid && processAlive(pid))) continue;
    detail(`removing ${dir}, left by an interrupted build`);
    removeScratch(dir, detail);
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

/** Removes the scratch directory, after unmounting anything debootstrap left mounted in it. */
function removeScratch(dir: string, detail: Detail): void {
  for (const mountPoint of mountsBelow(dir)) spawnSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
  const left = mountsBelow(dir);
  if (left.length > 0) {
    detail(`left ${dir} in place: ${left[0]} is still mounted`);
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** lab/base and lab/base-trixie offline: debootstrap a root filesystem of their suite (recipes/<recipe>/mkrootfs.sh) and import it. */
async function buildRootfs(item: PlannedImage, ctx: BuildContext, logFile: string): Promise<void> {
  if (!isRoot()) {
    throw new PreflightError(
      `Building ${item.name} offline needs root: debootstrap makes a Debian root filesystem.`,
      'Build the catalog once as root: sudo npm run images   (or use --images upstream where Docker Hub is reachable)',
    );
  }
  if (!findExecutable('debootstrap')) {
    if (!isDebianLike()) {
      throw new PreflightError('debootstrap is not installed, and the offline catalog needs it.', 'Install debootstrap with your package manager, or use --images upstream.');
    }
    ctx.detail('installing debootstrap with apt-get…');
    await aptGetInstall(['debootstrap'], { detail: ctx.detail, logFile: path.join(path.dirname(ctx.logDir), 'apt-debootstrap.log'), fix: 'apt-get install -y debootstrap', recommends: false });
  }

  fs.mkdirSync(ctx.tmpDir, { recursive: true });
  removeAbandonedScratch(ctx.tmpDir, ctx.detail);
  const work = fs.mkdtempSync(path.join(ctx.tmpDir, 'rootfs-'));
  const target = path.join(work, 'rootfs');
  try {
    fs.writeFileSync(path.join(work, OWNER_FILE), String(process.pid));
    const script = path.join(item.recipeDir, 'mkrootfs.sh');
    const bash = findExecutable('bash') ?? '/bin/bash';
    const mirror = item.inputs.mirror ?? 'http://deb.debian.org/debian';
    const security = item.inputs.security ?? 'http://deb.debian.org/debian-security';
    const suite = item.inputs.suite ?? 'bookworm';
    const made = await runLogged(bash, [script, target, mirror, security, ...(item.inputs.suite ? [suite] : [])], {
      logFile,
      detail: ctx.detail,
      prefix: `building ${item.name}: `,
      everyMs: 1_000,
      onSpawn: (pid) => fs.appendFileSync(path.join(work, OWNER_FILE), ` ${pid}`),
    });
    if (made.code !== 0) {
      throw new PreflightError(`Building ${item.name} failed: debootstrap ended with ${made.lastLine ?? `exit ${made.code}`}`, `Full log: ${logFile}`);
    }
    for (const mountPoint of mountsBelow(target)) spawnSync('umount', ['-l', mountPoint], { stdio: 'ignore' });

    ctx.detail(`building ${item.name}: importing the root filesystem into Docker…`);
    const tar = spawn('tar', ['-C', target, '--numeric-owner', '--one-file-system', '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tarErrors = '';
    tar.stderr.on('data', (chunk: Buffer) => (tarErrors += chunk.toString('utf8')));
    const tarExit = new Promise<number>((resolve) => {
      tar.on('error', () => resolve(-1));
      tar.on('close', (code) => resolve(code ?? -1));
    });
    const { repo, tag } = splitRef(item.ref);
    const labels = Object.entries(labelsFor(item)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
    let error: string | undefined;
    try {
      const stream = await ctx.docker.importImage(tar.stdout, {
        repo,
        tag,
        message: `debootstrap --variant=minbase ${suite} ${mirror}`,
        changes: ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["bash"]', `LABEL ${labels}`],
      });
      error = await follow(ctx.docker, stream, () => {});
    } catch (err) {
      error = errorText(err);
    }
    const code = await tarExit;
    if (!error && code !== 0) error = `tar exited with ${code}: ${shorten(tarErrors, 200)}`;
    fs.appendFileSync(logFile, `--- docker import ${item.ref}: ${error ? `ERROR: ${error}` : 'done'}\n`);
    if (error) throw new PreflightError(`Importing ${item.name} into Docker failed: ${error}`, `Full log: ${logFile}`);
  } finally {
    removeScratch(work, ctx.detail);
  }
}

/** Makes one catalog image (its hash tag), whatever its kind. Friendly tags are the caller's job. */
export async function buildImage(item: PlannedImage, ctx: BuildContext): Promise<void> {
  fs.mkdirSync(ctx.logDir, { recursive: true });
  const logFile = logFileFor(ctx.logDir, item.name);
  fs.writeFileSync(logFile, `# ${item.ref} (${item.kind}, recipe ${item.recipeDir})\n`);
  if (item.kind === 'rootfs') return buildRootfs(item, ctx, logFile);
  if (item.kind === 'pull') {
    await pull(item.upstream!, ctx, logFile);
    return buildDockerfile(item, ctx, item.upstream, logFile);
  }
  const base = item.parent ? ctx.refs.get(item.parent) : undefined;
  await buildDockerfile(item, ctx, base, logFile);
  await removeBuildStages(ctx.docker, item.name);
}

/** Removes the untagged images that the build stages of a multi-stage recipe leave behind. */
async function removeBuildStages(docker: Docker, name: string): Promise<void> {
  try {
    const stages = await docker.listImages({ filters: { dangling: ['true'], label: [`${STAGE_LABEL}=${name}`] } });
    for (const image of stages) await docker.getImage(image.Id).remove().catch(() => undefined);
  } catch {
    // only tidiness
  }
}

/** Image id of a reference, or undefined when it does not exist. */
export async function imageId(docker: Docker, ref: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(ref).inspect()).Id;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

/** Points every friendly tag at the image with the hash tag (cheap when they already do). */
export async function syncFriendlyTags(docker: Docker, item: PlannedImage, id: string): Promise<void> {
  for (const ref of item.tags) {
    if ((await imageId(docker, ref)) === id) continue;
    await docker.getImage(item.ref).tag(splitRef(ref));
  }
}

/**
 * Two checkouts (or a running lab and its upgrade) may share one engine with different recipes:
 * an older hash tag is only pruned once it is a day old, so neither removes the other's images.
 */
export const HASH_TAG_GRACE_SECONDS = 24 * 60 * 60;

/** Untags older hash tags of the same catalog image (best effort: images in use stay). */
export async function pruneOldHashTags(docker: Docker, item: PlannedImage, nowSeconds = Date.now() / 1000): Promise<void> {
  let images: Docker.ImageInfo[] = [];
  try {
    images = await docker.listImages({ filters: { reference: [item.name], label: [`${CATALOG_LABEL}=1`] } });
  } catch {
    return;
  }
  const pattern = new RegExp(`^${item.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:[0-9a-f]{12}$`);
  for (const image of images) {
    if (nowSeconds - image.Created < HASH_TAG_GRACE_SECONDS) continue;
    for (const tag of image.RepoTags ?? []) {
      if (tag === item.ref || !pattern.test(tag)) continue;
      try {
        await docker.getImage(tag).remove();
      } catch {
        // in use by a container, or a parent of another image: leave it
      }
    }
  }
}
