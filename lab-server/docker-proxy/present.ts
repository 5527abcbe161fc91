import { familiar, parseImageRef, unalias } from './image-refs';
import { IMAGE_LABEL, PORTS_LABEL, shownName, visibleLabels, type Tenant } from './tenant';
import type { PortMap } from './create-container';

/**
 * What a learner sees of the engine's answers: their own names without the lab's prefix, the
 * ports they asked for, the image names they typed, and nothing of the lab's own labels.
 */

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

export function recordedPorts(labels: Record<string, string> | undefined | null): PortMap {
  try {
    const parsed = JSON.parse(labels?.[PORTS_LABEL] ?? '{}') as unknown;
    return isObj(parsed) ? (parsed as PortMap) : {};
  } catch {
    return {};
  }
}

/** The image name a container shows: the learner's tag, never the alias or a catalog internals. */
export function shownImage(tenant: Tenant, image: string): string {
  const mine = unalias(tenant, image);
  if (mine) return mine;
  if (image.startsWith('sha256:')) return image;
  try {
    return familiar(parseImageRef(image), image.includes(':'));
  } catch {
    return image;
  }
}

function shownNetworks(tenant: Tenant, networks: unknown): Obj {
  if (!isObj(networks)) return {};
  const out: Obj = {};
  for (const [name, settings] of Object.entries(networks)) {
    const shown = name === 'none' ? 'none' : shownName(tenant, name);
    if (shown) out[shown] = settings;
  }
  return out;
}

/** `docker ps` rows: Ports come from what the learner asked for, shown like a host publishing them. */
export function presentContainerSummary(tenant: Tenant, summary: Obj, running: boolean): Obj {
  const labels = summary.Labels as Record<string, string> | undefined;
  const ports: Array<Obj> = [];
  const asked = recordedPorts(labels);
  for (const [key, bindings] of Object.entries(asked)) {
    const [port, type] = key.split('/');
    if (!running || bindings.length === 0) ports.push({ PrivatePort: Number(port), Type: type });
    else for (const b of bindings) ports.push({ IP: '0.0.0.0', PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type });
  }
  const networkSettings = isObj(summary.NetworkSettings) ? { ...summary.NetworkSettings, Networks: shownNetworks(tenant, (summary.NetworkSettings as Obj).Networks) } : summary.NetworkSettings;
  const hostConfig = isObj(summary.HostConfig) ? { ...summary.HostConfig, NetworkMode: shownNetworkMode(tenant, String((summary.HostConfig as Obj).NetworkMode ?? '')) } : summary.HostConfig;
  return {
    ...summary,
    Names: ((summary.Names as string[] | undefined) ?? []).map((n) => `/${shownName(tenant, n) ?? n.replace(/^\//, '')}`),
    Image: labels?.[IMAGE_LABEL] ?? shownImage(tenant, String(summary.Image ?? '')),
    Labels: visibleLabels(labels),
    Ports: ports,
    NetworkSettings: networkSettings,
    HostConfig: hostConfig,
    Mounts: ((summary.Mounts as Obj[] | undefined) ?? []).map((m) => presentMount(tenant, m)),
  };
}

function shownNetworkMode(tenant: Tenant, mode: string): string {
  if (mode === tenant.workspaceNetwork) return 'bridge';
  if (mode.startsWith('container:')) return mode;
  return shownName(tenant, mode) ?? mode;
}

function presentMount(tenant: Tenant, mount: Obj): Obj {
  const out = { ...mount };
  if (typeof out.Name === 'string') out.Name = shownName(tenant, out.Name) ?? out.Name;
  if (out.Type === 'volume') out.Source = `/var/lib/docker/volumes/${String(out.Name)}/_data`;
  if (out.Type === 'bind' && typeof out.Source === 'string' && tenant.homeSource && out.Source.startsWith(tenant.homeSource)) out.Source = `/root${out.Source.slice(tenant.homeSource.length)}`;
  return out;
}

function presentPortsForInspect(asked: PortMap, running: boolean): Obj {
  const out: Obj = {};
  for (const [key, bindings] of Object.entries(asked)) out[key] = running && bindings.length > 0 ? bindings.map((b) => ({ HostIp: '0.0.0.0', HostPort: b.HostPort })) : null;
  return out;
}

/** `docker inspect` of a container: names, image, networks, ports and mounts as the learner made them. */
export function presentContainerInspect(tenant: Tenant, inspect: Obj): Obj {
  const config = isObj(inspect.Config) ? inspect.Config : {};
  const hostConfig = isObj(inspect.HostConfig) ? inspect.HostConfig : {};
  const state = isObj(inspect.State) ? inspect.State : {};
  const labels = config.Labels as Record<string, string> | undefined;
  const asked = recordedPorts(labels);
  const running = state.Running === true;
  const settings = isObj(inspect.NetworkSettings) ? inspect.NetworkSettings : {};
  const networks = shownNetworks(tenant, settings.Networks);
  const bridge = networks.bridge as Obj | undefined;
  const ports = { ...(isObj(settings.Ports) ? Object.fromEntries(Object.keys(settings.Ports).map((k) => [k, null])) : {}), ...presentPortsForInspect(asked, running) };
  return {
    ...inspect,
    Name: `/${shownName(tenant, String(inspect.Name ?? '')) ?? ''}`,
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    LogPath: '',
    Config: { ...config, Image: labels?.[IMAGE_LABEL] ?? shownImage(tenant, String(config.Image ?? '')), Labels: visibleLabels(labels) },
    HostConfig: {
      ...hostConfig,
      NetworkMode: shownNetworkMode(tenant, String(hostConfig.NetworkMode ?? '')),
      PortBindings: asked,
      Binds: ((hostConfig.Binds as string[] | null) ?? []).map((b) => (tenant.homeSource && b.startsWith(tenant.homeSource) ? `/root${b.slice(tenant.homeSource.length)}` : (shownName(tenant, b) ?? b))),
      Links: null,
    },
    Mounts: ((inspect.Mounts as Obj[] | undefined) ?? []).map((m) => presentMount(tenant, m)),
    NetworkSettings: {
      ...settings,
      Ports: ports,
      Networks: networks,
      // A real default bridge fills these in; our "bridge" is a user-defined network that does not.
      ...(bridge ? { IPAddress: bridge.IPAddress, Gateway: bridge.Gateway, IPPrefixLen: bridge.IPPrefixLen, MacAddress: bridge.MacAddress } : {}),
    },
  };
}

export function presentNetwork(tenant: Tenant, network: Obj): Obj {
  const containers: Obj = {};
  if (isObj(network.Containers)) {
    for (const [id, c] of Object.entries(network.Containers)) {
      if (!isObj(c)) continue;
      const shown = shownName(tenant, String(c.Name ?? ''));
      if (shown) containers[id] = { ...c, Name: shown };
    }
  }
  const name = String(network.Name ?? '');
  const isDefault = name === tenant.workspaceNetwork;
  return {
    ...network,
    Name: shownName(tenant, name) ?? name,
    Labels: visibleLabels(network.Labels as Record<string, string> | null),
    Containers: containers,
    ...(isDefault ? { Options: { 'com.docker.network.bridge.default_bridge': 'true' }, Internal: false } : { Internal: false }),
  };
}

export function presentVolume(tenant: Tenant, volume: Obj): Obj {
  const name = shownName(tenant, String(volume.Name ?? '')) ?? String(volume.Name);
  return { ...volume, Name: name, Labels: visibleLabels(volume.Labels as Record<string, string> | null), Mountpoint: `/var/lib/docker/volumes/${name}/_data` };
}

/** Image rows: only the learner's own tags, shown as they typed them. */
/** `digests`: the RepoDigests the learner may see (their lab-registry repositories, see images.ts). */
export function presentImage(tenant: Tenant, image: Obj, digests: string[] = []): Obj {
  const tags = ((image.RepoTags as string[] | null) ?? []).map((t) => unalias(tenant, t)).filter((t): t is string => t !== undefined);
  const out: Obj = { ...image, RepoTags: tags, RepoDigests: digests };
  if (isObj(image.Labels)) out.Labels = visibleLabels(image.Labels as Record<string, string>);
  if (isObj(image.Config)) out.Config = { ...image.Config, Labels: visibleLabels((image.Config as Obj).Labels as Record<string, string> | null), Image: '' };
  if (isObj(image.ContainerConfig)) out.ContainerConfig = { ...image.ContainerConfig, Labels: visibleLabels((image.ContainerConfig as Obj).Labels as Record<string, string> | null), Image: '' };
  if ('Container' in image) out.Container = '';
  return out;
}
