/** What a learner's containers get and may ask for: the one place these numbers live. */
export const CONTAINER_LIMITS = {
  defaultMemory: 512 * 1024 * 1024,
  maxMemory: 1024 * 1024 * 1024,
  defaultNanoCpus: 1e9,
  maxNanoCpus: 2e9,
  defaultPids: 256,
  maxPids: 1024,
  maxShm: 256 * 1024 * 1024,
  maxTmpfsBytes: 256 * 1024 * 1024,
  defaultTmpfs: '64m',
  maxNofile: 4096,
  maxNproc: 1024,
  maxRestartRetries: 3,
  log: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
} as const;

/**
 * Connections one learner's Docker socket holds at once. A CLI uses a few; the cap stops a
 * slowloris (or `docker logs -f` × 1000) from spending the lab server's file descriptors, which
 * every learner shares. Connection 65 is answered 429 with a readable message.
 */
export const PROXY_MAX_CONNECTIONS = 64;

/** Per-learner object counts; a flood hits these, never the engine. */
export const QUOTAS = { containers: 30, networks: 10, volumes: 20, imageTags: 50 } as const;

/**
 * Docker's default capability set minus the ones a lab never needs (MKNOD, AUDIT_WRITE, SETFCAP).
 * A learner may drop any of these and add none beyond them.
 */
export const CONTAINER_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'NET_RAW', 'SETGID', 'SETUID', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL'] as const;
