import type { Call } from './call';
import { pathPart } from './engine';
import { ProxyError } from './errors';
import { recordedPorts } from './present';
import { ownContainers } from './resolve';

/**
 * `-p 8000:80` never publishes on the host. Instead a small forwarder in the learner's own
 * workspace listens on localhost:8000 and relays to the container, so `curl localhost:8000` in
 * the terminal behaves as on a real host while nothing is exposed outside the lab.
 */
export async function startForwarders(call: Call, containerId: string): Promise<void> {
  const inspect = await call.engine.json<{ Config: { Labels: Record<string, string> }; NetworkSettings: { Networks: Record<string, { IPAddress: string }> } }>('GET', `/containers/${pathPart(containerId)}/json`);
  const asked = recordedPorts(inspect.Config.Labels);
  if (Object.keys(asked).length === 0) return;
  let address = inspect.NetworkSettings.Networks[call.tenant.workspaceNetwork]?.IPAddress;
  const workspace = call.hooks.workspaceContainer();
  if (!address && workspace) {
    // On one of the learner's own networks: the workspace joins it, as a host reaches every bridge.
    const [network, settings] = Object.entries(inspect.NetworkSettings.Networks).find(([, n]) => n.IPAddress) ?? [];
    if (!network || !settings) return;
    const joined = await call.engine.request('POST', `/networks/${pathPart(network)}/connect`, { body: Buffer.from(JSON.stringify({ Container: workspace })), headers: { 'Content-Type': 'application/json' } });
    joined.stream.resume();
    address = settings.IPAddress;
  }
  if (!address) return;
  for (const [key, bindings] of Object.entries(asked)) {
    const containerPort = key.split('/')[0]!;
    for (const binding of bindings) {
      if (!binding.HostPort) continue;
      await call.hooks.execInWorkspace(['pkill', '-f', `^socat TCP-LISTEN:${binding.HostPort},`]).catch(() => undefined);
      await call.hooks.execInWorkspace(['socat', `TCP-LISTEN:${binding.HostPort},fork,reuseaddr,bind=127.0.0.1`, `TCP:${address}:${containerPort}`], { detach: true });
    }
  }
}

export async function stopForwarders(call: Call, labels: Record<string, string>): Promise<void> {
  for (const bindings of Object.values(recordedPorts(labels))) {
    for (const binding of bindings) if (binding.HostPort) await call.hooks.execInWorkspace(['pkill', '-f', `^socat TCP-LISTEN:${binding.HostPort},`]).catch(() => undefined);
  }
}

/** A host port is "allocated" while another of the learner's running containers asked for it. */
export async function checkPortsFree(call: Call, containerId: string, labels: Record<string, string>): Promise<void> {
  const wanted = new Set(Object.values(recordedPorts(labels)).flatMap((list) => list.map((b) => b.HostPort).filter(Boolean)));
  if (wanted.size === 0) return;
  for (const other of await ownContainers(call.engine, call.tenant, { status: ['running'] })) {
    if (other.Id === containerId) continue;
    for (const list of Object.values(recordedPorts(other.Labels))) {
      for (const b of list) if (wanted.has(b.HostPort)) throw new ProxyError(500, `driver failed programming external connectivity on endpoint: Bind for 0.0.0.0:${b.HostPort} failed: port is already allocated`);
    }
  }
}

/** Before a learner's network is removed, the workspace leaves it (it joined for the forwarders). */
export async function leaveNetwork(call: Call, networkId: string): Promise<void> {
  const workspace = call.hooks.workspaceContainer();
  if (!workspace) return;
  const left = await call.engine.request('POST', `/networks/${pathPart(networkId)}/disconnect`, { body: Buffer.from(JSON.stringify({ Container: workspace, Force: true })), headers: { 'Content-Type': 'application/json' } });
  left.stream.resume();
}
