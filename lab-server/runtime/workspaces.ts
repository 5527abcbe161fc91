import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { hardenedHostConfig, type WorkspaceLimits } from './hardening';
import { createNetworkWithFallback } from './address-pool';
import { LABEL, labLabels } from './labels';

export interface Workspace {
  id: string;
  learnerId: string;
  networkName: string;
  labels: Record<string, string>;
  /** Docker's state: "running", "exited", "created"… */
  state: string;
}

export interface CreateWorkspaceOptions {
  /** The owning lab server (see instanceIdFor). */
  instance: string;
  image: string;
  learnerId: string;
  limits: WorkspaceLimits;
  allowEgress: boolean;
  /** Extra `lab.*` labels (e.g. the expiry time) so a restarted server can rebuild its records. */
  labels?: Record<string, string>;
  /** The lab's own mounts (the learner's home and Docker socket directory); never learner input. */
  binds?: string[];
  env?: string[];
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const learnerIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

function namesFor(instance: string, learnerId: string) {
  if (!learnerIdPattern.test(learnerId)) throw new Error(`invalid learner id ${JSON.stringify(learnerId)}`);
  if (!/^[a-z0-9]{1,16}$/.test(instance)) throw new Error(`invalid instance id ${JSON.stringify(instance)}`);
  return { container: `lab-${instance}-ws-${learnerId}`, network: `lab-${instance}-net-${learnerId}` };
}

/**
 * Starts one learner's workspace: a private bridge network (internal unless egress is allowed)
 * and a hardened container on it, both labelled so they can be re-adopted or reaped later.
 */
export async function createWorkspace(docker: Docker, options: CreateWorkspaceOptions): Promise<Workspace> {
  const names = namesFor(options.instance, options.learnerId);
  await createNetworkWithFallback(docker, {
    Name: names.network,
    Driver: 'bridge',
    Internal: !options.allowEgress,
    CheckDuplicate: true,
    Labels: labLabels(options.instance, 'network', options.learnerId),
  });
  try {
    const container = await docker.createContainer({
      name: names.container,
      Image: options.image,
      Hostname: 'lab',
      Labels: { ...labLabels(options.instance, 'workspace', options.learnerId), ...options.labels },
      Env: ['TERM=xterm-256color', 'LANG=C.UTF-8', ...(options.env ?? [])],
      HostConfig: { ...hardenedHostConfig(options.limits, names.network), Binds: options.binds ?? [] },
    });
    await container.start();
    const labels = { ...labLabels(options.instance, 'workspace', options.learnerId), ...options.labels };
    return { id: container.id, learnerId: options.learnerId, networkName: names.network, labels, state: 'running' };
  } catch (error) {
    await removeWorkspace(docker, options.instance, options.learnerId).catch(() => undefined);
    throw error;
  }
}

/**
 * Runs a command (argv, no shell) in a workspace and collects its output. Bounded by timeoutMs;
 * with `maxOutputBytes`, each of stdout and stderr keeps only its first bytes (the rest is read and dropped).
 */
export async function execInWorkspace(
  docker: Docker,
  containerId: string,
  cmd: string[],
  timeoutMs = 10_000,
  options: { maxOutputBytes?: number } = {},
): Promise<ExecResult> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const cap = options.maxOutputBytes ?? Number.POSITIVE_INFINITY;
  const collect = (into: Buffer[]) => {
    let kept = 0;
    return (chunk: Buffer) => {
      if (kept >= cap) return;
      const part = kept + chunk.byteLength > cap ? chunk.subarray(0, cap - kept) : chunk;
      kept += part.byteLength;
      into.push(part);
    };
  };
  stdout.on('data', collect(out));
  stderr.on('data', collect(err));
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`command timed out after ${timeoutMs} ms: ${cmd.join(' ')}`));
    }, timeoutMs);
    stream.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** Removes everything a learner owned: the workspace container (forced) and its network. Idempotent. */
export async function removeWorkspace(docker: Docker, instance: string, learnerId: string): Promise<void> {
  const names = namesFor(instance, learnerId);
  await docker
    .getContainer(names.container)
    .remove({ force: true, v: true })
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
  await docker
    .getNetwork(names.network)
    .remove()
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
}

/** Workspaces on the engine, running or not, found by label (the source of truth across restarts). */
export async function listWorkspaces(docker: Docker, instance: string, options: { all?: boolean } = {}): Promise<Workspace[]> {
  const containers = await docker.listContainers({ all: options.all ?? false, filters: { label: [`${LABEL.managed}=1`, `${LABEL.instance}=${instance}`, `${LABEL.role}=workspace`] } });
  return containers.map((c) => {
    const learnerId = c.Labels[LABEL.learner] ?? '';
    return { id: c.Id, learnerId, networkName: `lab-${instance}-net-${learnerId}`, labels: c.Labels, state: c.State };
  });
}

/** Networks the lab created, for reaping the ones whose workspace is gone. */
export async function listLabNetworks(docker: Docker, instance: string): Promise<Array<{ id: string; name: string; learnerId: string }>> {
  const networks = await docker.listNetworks({ filters: { label: [`${LABEL.managed}=1`, `${LABEL.instance}=${instance}`, `${LABEL.role}=network`] } });
  return networks.map((n) => ({ id: n.Id, name: n.Name, learnerId: n.Labels?.[LABEL.learner] ?? '' }));
}
