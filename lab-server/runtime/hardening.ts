import type { ContainerCreateOptions } from 'dockerode';

export interface WorkspaceLimits {
  memoryMb: number;
  cpus: number;
  pids: number;
}

/**
 * The capabilities a root shell needs to be useful (install packages, chown files, bind low ports,
 * run `ping`) without anything that reaches the host: no SYS_ADMIN, NET_ADMIN, SYS_PTRACE, MKNOD…
 */
export const WORKSPACE_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'NET_BIND_SERVICE', 'NET_RAW', 'SYS_CHROOT', 'AUDIT_WRITE'] as const;

/** Host configuration applied to every workspace container; the one place hardening defaults live. */
export function hardenedHostConfig(limits: WorkspaceLimits, networkName: string): NonNullable<ContainerCreateOptions['HostConfig']> {
  const memoryBytes = limits.memoryMb * 1024 * 1024;
  return {
    CapDrop: ['ALL'],
    CapAdd: [...WORKSPACE_CAPABILITIES],
    SecurityOpt: ['no-new-privileges:true'],
    Privileged: false,
    ReadonlyRootfs: false,
    Memory: memoryBytes,
    MemorySwap: memoryBytes, // equal to Memory: no swap beyond the limit
    NanoCpus: Math.round(limits.cpus * 1e9),
    PidsLimit: limits.pids,
    Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }],
    LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
    NetworkMode: networkName,
    PortBindings: {},
    PublishAllPorts: false,
    Binds: [],
    Mounts: [],
    Init: false, // the image's entrypoint is tini
    RestartPolicy: { Name: 'no' },
    AutoRemove: false,
  };
}
