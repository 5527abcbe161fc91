import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceImageRef } from '../images';
import { integrationConfig } from '../testing/integration-setup';
import { createDockerClient } from './docker-client';
import { createWorkspace, execInWorkspace, listWorkspaces, removeWorkspace, type Workspace } from './workspaces';

const config = integrationConfig();
const docker = createDockerClient(config.dockerHost);
const learnerId = `test-${randomBytes(4).toString('hex')}`;
const instance = 'inttest';

describe('workspace runtime (real engine)', () => {
  let workspace: Workspace;

  beforeAll(async () => {
    workspace = await createWorkspace(docker, {
      instance,
      image: workspaceImageRef(config),
      learnerId,
      limits: { memoryMb: 256, cpus: 0.5, pids: 128 },
      allowEgress: false,
    });
  });
  afterAll(async () => removeWorkspace(docker, instance, learnerId));

  it('runs a command in the learner workspace and returns its output', async () => {
    const result = await execInWorkspace(docker, workspace.id, ['bash', '-c', 'echo "hello from $HOSTNAME"; echo oops >&2; exit 3']);
    expect(result).toEqual({ exitCode: 3, stdout: 'hello from lab\n', stderr: 'oops\n' });
  });

  it('has the tools a learner needs, including the docker CLI', async () => {
    const result = await execInWorkspace(docker, workspace.id, ['bash', '-c', 'for t in bash curl ip ping less vim.tiny nano man socat ps docker; do command -v $t >/dev/null || echo missing $t; done; docker --version']);
    expect(result.stdout).not.toMatch(/missing/);
    expect(result.stdout).toMatch(/^Docker version \d+/m);
  });

  it('is locked down: no new privileges, few capabilities, limits applied, nothing published', async () => {
    const status = await execInWorkspace(docker, workspace.id, ['cat', '/proc/self/status']);
    expect(status.stdout).toMatch(/^NoNewPrivs:\s+1$/m);
    const capEff = BigInt(`0x${/^CapEff:\s+([0-9a-f]+)$/m.exec(status.stdout)?.[1] ?? 'ffffffffff'}`);
    const CAP_SYS_ADMIN = 21n;
    const CAP_NET_ADMIN = 12n;
    expect(capEff & (1n << CAP_SYS_ADMIN)).toBe(0n);
    expect(capEff & (1n << CAP_NET_ADMIN)).toBe(0n);

    const info = await docker.getContainer(workspace.id).inspect();
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(info.HostConfig.MemorySwap).toBe(256 * 1024 * 1024);
    expect(info.HostConfig.PidsLimit).toBe(128);
    expect(info.HostConfig.Binds ?? []).toEqual([]);
    expect(info.Mounts).toEqual([]);
    expect(info.NetworkSettings.Ports ?? {}).toEqual({});

    const network = await docker.getNetwork(workspace.networkName).inspect();
    expect(network.Internal).toBe(true);
  });

  it('is found by its labels, and removal leaves nothing behind', async () => {
    expect((await listWorkspaces(docker, instance)).map((w) => w.learnerId)).toContain(learnerId);
    await removeWorkspace(docker, instance, learnerId);
    expect((await listWorkspaces(docker, instance)).map((w) => w.learnerId)).not.toContain(learnerId);
    await expect(docker.getNetwork(workspace.networkName).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await removeWorkspace(docker, instance, learnerId); // idempotent
  });
});
