import { describe, expect, it } from 'vitest';
import { createDockerClient } from './docker-client';
import { createNetworkWithFallback } from './address-pool';
import { integrationConfig } from '../testing/integration-setup';

describe('networks past Docker’s default address pools (real engine)', () => {
  it('once the engine has no pool left, the lab’s own /26 subnets take over', async () => {
    const docker = createDockerClient(integrationConfig().dockerHost);
    const label = `lab.test-address-pool=${process.pid}`;
    const made: string[] = [];
    try {
      // Fill the engine's pools (about 30 networks), briefly.
      let exhausted = false;
      for (let i = 0; i < 64 && !exhausted; i++) {
        try {
          made.push((await docker.createNetwork({ Name: `lab-pooltest-${process.pid}-${i}`, Labels: { [label.split('=')[0]!]: String(process.pid) } })).id);
        } catch (error) {
          expect((error as Error).message).toMatch(/non-overlapping IPv4 address pool/);
          exhausted = true;
        }
      }
      expect(exhausted).toBe(true);
      const network = await createNetworkWithFallback(docker, { Name: `lab-pooltest-${process.pid}-fallback`, Labels: { [label.split('=')[0]!]: String(process.pid) } });
      made.push(network.id);
      const subnetOf = async (id: string) => ((await docker.getNetwork(id).inspect()) as { IPAM?: { Config?: Array<{ Subnet?: string }> } }).IPAM?.Config?.[0]?.Subnet;
      const first = await subnetOf(network.id);
      expect(first).toMatch(/^10\.213\.\d+\.\d+\/26$/);
      const second = await createNetworkWithFallback(docker, { Name: `lab-pooltest-${process.pid}-fallback2`, Labels: { [label.split('=')[0]!]: String(process.pid) } });
      made.push(second.id);
      expect(await subnetOf(second.id)).toMatch(/^10\.213\./);
      expect(await subnetOf(second.id)).not.toBe(first);
    } finally {
      for (const id of made) await docker.getNetwork(id).remove().catch(() => undefined);
    }
  }, 120_000);
});
