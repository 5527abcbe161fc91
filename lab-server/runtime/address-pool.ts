import type Docker from 'dockerode';

/**
 * Docker's default address pools hold about 30 bridge networks; a class needs more (one per
 * workspace, plus the learners' own). When the engine runs out, the lab carves /26 subnets
 * (60 addresses each, 1024 of them) out of its own range instead.
 */
export const ADDRESS_POOLS_FULL = /could not find an available, non-overlapping IPv4 address pool/i;
export const FALLBACK_RANGE = '10.213.0.0/16';

/** A /26 in FALLBACK_RANGE that no network on the engine uses, or undefined when all are taken. */
export function freeSubnet(used: Iterable<string>): string | undefined {
  const taken = new Set(used);
  for (let i = 0; i < 1024; i++) {
    const subnet = `10.213.${Math.floor(i / 4)}.${(i % 4) * 64}/26`;
    if (!taken.has(subnet)) return subnet;
  }
  return undefined;
}

let pending: Promise<unknown> = Promise.resolve();

/**
 * Runs `pick and create` one at a time in this process: a class starting at once would
 * otherwise pick the same free /26 for every network.
 */
export function withFallbackLock<T>(task: () => Promise<T>): Promise<T> {
  const run = pending.then(task, task);
  pending = run.catch(() => undefined);
  return run;
}

/** Creates a network, falling back to the lab's own range when Docker's pools are exhausted. */
export async function createNetworkWithFallback(docker: Docker, options: Docker.NetworkCreateOptions): Promise<Docker.Network> {
  try {
    return await docker.createNetwork(options);
  } catch (error) {
    if (!ADDRESS_POOLS_FULL.test((error as Error).message)) throw error;
    return withFallbackLock(async () => {
      // Other processes (a second lab, a test run on this engine) may race us: a subnet that turned
      // out to overlap is skipped from then on, even before the engine lists the network that took it.
      const overlapped: string[] = [];
      for (let attempt = 0; attempt < 32; attempt++) {
        const networks = await docker.listNetworks();
        const subnet = freeSubnet([...overlapped, ...networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? ''))]);
        if (!subnet) throw error;
        try {
          return await docker.createNetwork({ ...options, IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] } });
        } catch (retryError) {
          if (!/overlap/i.test((retryError as Error).message)) throw retryError;
          overlapped.push(subnet);
        }
      }
      throw error;
    });
  }
}
