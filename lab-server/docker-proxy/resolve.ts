import type { Engine } from './engine';
import { imagePath, pathPart } from './engine';
import { notFound, ProxyError } from './errors';
import { aliasOf, aliasPrefix, parseImageRef, refuseAliasSpace } from './image-refs';
import { encodeQuery } from './request-line';
import { isOwned, ownerFilter, type Tenant } from './tenant';

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Labels: Record<string, string>;
  State: string;
  [key: string]: unknown;
}

export const labelFilters = (tenant: Tenant, extra: Record<string, string[]> = {}) => JSON.stringify({ ...extra, label: [...ownerFilter(tenant), ...(extra.label ?? [])] });

export async function ownContainers(engine: Engine, tenant: Tenant, extra: Record<string, string[]> = {}): Promise<ContainerSummary[]> {
  return engine.json<ContainerSummary[]>('GET', `/containers/json${encodeQuery({ all: '1', filters: labelFilters(tenant, extra) })}`);
}

/**
 * A container reference (full id, name, or id prefix) among this learner's containers only:
 * a foreign or missing container gets the engine's own "No such container" answer.
 */
export async function resolveContainer(engine: Engine, tenant: Tenant, ref: string): Promise<ContainerSummary> {
  const bare = ref.startsWith('/') ? ref.slice(1) : ref;
  // The engine's own order: a full id, then a name, then an id prefix. The first two cost one
  // inspect; only a prefix needs the learner's list.
  if (/^[a-f0-9]{64}$/.test(bare) || /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(bare)) {
    const direct = await inspectOwned(engine, tenant, /^[a-f0-9]{64}$/.test(bare) ? bare : tenant.prefix + bare);
    if (direct) return direct;
  }
  const mine = await ownContainers(engine, tenant);
  const exact = mine.find((c) => c.Id === bare || c.Names.includes(`/${tenant.prefix}${bare}`));
  if (exact) return exact;
  if (/^[a-f0-9]{1,64}$/.test(bare)) {
    const matches = mine.filter((c) => c.Id.startsWith(bare));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new ProxyError(404, `multiple IDs found with provided prefix: ${bare}`);
  }
  throw notFound(`No such container: ${ref}`);
}

interface ContainerInspect {
  Id: string;
  Name: string;
  Image: string;
  Config: { Image: string; Labels: Record<string, string> | null };
  State: { Status: string };
  NetworkSettings: unknown;
  Mounts: unknown;
}

/** A container by full id or engine name, if it is the learner's; shaped like a list row. */
async function inspectOwned(engine: Engine, tenant: Tenant, idOrName: string): Promise<ContainerSummary | undefined> {
  let inspect: ContainerInspect;
  try {
    inspect = await engine.json<ContainerInspect>('GET', `/containers/${pathPart(idOrName)}/json`);
  } catch (error) {
    if (error instanceof ProxyError && error.status === 404) return undefined;
    throw error;
  }
  const labels = inspect.Config.Labels ?? {};
  if (!isOwned(tenant, labels)) return undefined;
  return { Id: inspect.Id, Names: [inspect.Name], Image: inspect.Config.Image, ImageID: inspect.Image, Labels: labels, State: inspect.State.Status, NetworkSettings: inspect.NetworkSettings, Mounts: inspect.Mounts };
}

interface NetworkSummary {
  Id: string;
  Name: string;
  Labels: Record<string, string> | null;
  [key: string]: unknown;
}

export async function ownNetworks(engine: Engine, tenant: Tenant): Promise<NetworkSummary[]> {
  return engine.json<NetworkSummary[]>('GET', `/networks${encodeQuery({ filters: labelFilters(tenant) })}`);
}

/** A network reference: `bridge` is the learner's workspace network; others must be theirs. */
export async function resolveNetwork(engine: Engine, tenant: Tenant, ref: string): Promise<{ id: string; name: string; isDefault: boolean }> {
  if (ref === 'bridge' || ref === 'default') {
    const net = await engine.json<NetworkSummary>('GET', `/networks/${pathPart(tenant.workspaceNetwork)}`);
    return { id: net.Id, name: net.Name, isDefault: true };
  }
  const mine = await ownNetworks(engine, tenant);
  const exact = mine.find((n) => n.Id === ref || n.Name === tenant.prefix + ref);
  if (exact) return { id: exact.Id, name: exact.Name, isDefault: false };
  if (/^[a-f0-9]{1,64}$/.test(ref)) {
    const matches = mine.filter((n) => n.Id.startsWith(ref));
    if (matches.length === 1) return { id: matches[0]!.Id, name: matches[0]!.Name, isDefault: false };
  }
  throw notFound(`network ${ref} not found`);
}

interface VolumeSummary {
  Name: string;
  Labels: Record<string, string> | null;
  [key: string]: unknown;
}

export async function ownVolumes(engine: Engine, tenant: Tenant): Promise<VolumeSummary[]> {
  const answer = await engine.json<{ Volumes: VolumeSummary[] | null }>('GET', `/volumes${encodeQuery({ filters: labelFilters(tenant) })}`);
  return answer.Volumes ?? [];
}

export async function resolveVolume(engine: Engine, tenant: Tenant, name: string): Promise<string> {
  const engineNameOfVolume = tenant.prefix + name;
  const mine = await ownVolumes(engine, tenant);
  if (!mine.some((v) => v.Name === engineNameOfVolume)) throw notFound(`get ${name}: no such volume`);
  return engineNameOfVolume;
}

export interface ImageSummary {
  Id: string;
  RepoTags: string[] | null;
  [key: string]: unknown;
}

/** Images the learner can see: those carrying at least one of their tags. */
export async function ownImages(engine: Engine, tenant: Tenant): Promise<ImageSummary[]> {
  const all = await engine.json<ImageSummary[]>('GET', '/images/json');
  const prefix = aliasPrefix(tenant);
  return all.filter((image) => (image.RepoTags ?? []).some((tag) => tag.startsWith(prefix)));
}

/**
 * An image reference as the learner typed it → the engine reference to use (their alias tag, or a
 * full id of an image they can see). Missing or foreign → "No such image" (the CLI then pulls).
 */
export async function resolveImage(engine: Engine, tenant: Tenant, ref: string): Promise<{ engineRef: string; id: string }> {
  const idLike = ref.startsWith('sha256:') ? ref.slice('sha256:'.length) : ref;
  if (/^[a-f0-9]{4,64}$/.test(idLike)) {
    const matches = (await ownImages(engine, tenant)).filter((image) => image.Id.slice('sha256:'.length).startsWith(idLike));
    if (matches.length === 1) return { engineRef: matches[0]!.Id, id: matches[0]!.Id };
  }
  const parsed = parseImageRef(ref);
  refuseAliasSpace(parsed);
  if (parsed.digest) throw notFound(`No such image: ${ref}`);
  const alias = aliasOf(tenant, parsed);
  try {
    const image = await engine.json<{ Id: string }>('GET', `/images/${imagePath(alias)}/json`);
    return { engineRef: alias, id: image.Id };
  } catch (error) {
    if (error instanceof ProxyError && error.status === 404) throw notFound(`No such image: ${ref.includes(':') || ref.includes('@') ? ref : `${ref}:latest`}`);
    throw error;
  }
}
