import { type Call, parseFilters, pickQuery, relay, scrub, sendJson } from './call';
import { badRequest, policy } from './errors';
import { unalias } from './image-refs';
import { encodeQuery } from './request-line';
import { ownContainers, ownImages, ownNetworks, ownVolumes } from './resolve';
import { isOwned, shownName } from './tenant';

export async function ping(call: Call): Promise<void> {
  const answer = await call.engine.request('GET', '/_ping');
  const body = await new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    answer.stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
  });
  // Builder-Version 1: the classic builder, whose build containers the proxy can hold to the lab's limits.
  const headers = { 'Api-Version': '1.41', 'Builder-Version': '1', 'Docker-Experimental': 'false', 'Ostype': 'linux', 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, no-store, must-revalidate' };
  if (call.req.method === 'HEAD') {
    call.res.writeHead(200, { ...headers, 'Content-Length': 0 }).end();
    return;
  }
  call.res.writeHead(200, { ...headers, 'Content-Length': body.length }).end(body);
}

export async function version(call: Call): Promise<void> {
  pickQuery(call, []);
  sendJson(call.res, 200, await call.engine.json('GET', '/version'));
}

/** `docker info` as this learner's own host: their counts, the engine's versions, no other tenant. */
export async function info(call: Call): Promise<void> {
  pickQuery(call, []);
  const [engineInfo, containers, images] = await Promise.all([call.engine.json<Record<string, unknown>>('GET', '/info'), ownContainers(call.engine, call.tenant), ownImages(call.engine, call.tenant)]);
  const count = (state: string) => containers.filter((c) => c.State === state).length;
  sendJson(call.res, 200, {
    ...engineInfo,
    ID: call.tenant.ns,
    Name: 'lab',
    Containers: containers.length,
    ContainersRunning: count('running'),
    ContainersPaused: count('paused'),
    ContainersStopped: containers.length - count('running') - count('paused'),
    Images: images.length,
    DockerRootDir: '/var/lib/docker',
    Labels: [],
    RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: [], Mirrors: [] },
    Swarm: { LocalNodeState: 'inactive', NodeID: '', NodeAddr: '', ControlAvailable: false, Error: '', RemoteManagers: null },
    Warnings: [],
    HttpProxy: '',
    HttpsProxy: '',
    NoProxy: '',
  });
}

export async function diskUsage(call: Call): Promise<void> {
  pickQuery(call, ['type']);
  const df = await call.engine.json<{ LayersSize: number; Images: Array<Record<string, unknown>> | null; Containers: Array<Record<string, unknown>> | null; Volumes: Array<Record<string, unknown>> | null; BuildCache: unknown }>('GET', '/system/df');
  const containerIds = new Set((await ownContainers(call.engine, call.tenant)).map((c) => c.Id));
  const imageIds = new Set((await ownImages(call.engine, call.tenant)).map((i) => i.Id));
  const volumeNames = new Set((await ownVolumes(call.engine, call.tenant)).map((v) => v.Name));
  sendJson(call.res, 200, {
    LayersSize: 0,
    Images: (df.Images ?? []).filter((i) => imageIds.has(String(i.Id))).map((i) => ({ ...i, RepoTags: ((i.RepoTags as string[] | null) ?? []).map((t) => unalias(call.tenant, t)).filter(Boolean) })),
    Containers: (df.Containers ?? []).filter((c) => containerIds.has(String(c.Id))).map((c) => ({ ...c, Names: ((c.Names as string[]) ?? []).map((n) => `/${shownName(call.tenant, n) ?? ''}`), Labels: {} })),
    Volumes: (df.Volumes ?? []).filter((v) => volumeNames.has(String(v.Name))).map((v) => ({ ...v, Name: shownName(call.tenant, String(v.Name)), Labels: {}, Mountpoint: '' })),
    BuildCache: [],
  });
}

/**
 * `docker events`: the engine's stream, kept to the learner's own objects event by event (by the
 * owner labels containers carry, or by the learner's name prefix for networks and volumes).
 */
export async function events(call: Call): Promise<void> {
  const q = pickQuery(call, ['since', 'until', 'filters']);
  const filters = parseFilters(q.filters);
  for (const key of Object.keys(filters)) if (!['type', 'event', 'container', 'image', 'network', 'volume', 'label'].includes(key)) throw badRequest(`invalid filter '${key}'`);
  if (filters.label?.some((l) => l.startsWith('lab.'))) throw policy('labels starting with "lab." are reserved for the lab');
  const forward: Record<string, string[]> = {};
  for (const key of ['type', 'event', 'label'] as const) if (filters[key]) forward[key] = filters[key]!;
  const answer = await call.engine.request('GET', `/events${encodeQuery({ since: q.since, until: q.until, filters: Object.keys(forward).length ? JSON.stringify(forward) : undefined })}`);
  const networks = new Set((await ownNetworks(call.engine, call.tenant)).map((n) => n.Id));
  await relay(call, answer, (event) => {
    const actor = (event.Actor ?? {}) as { ID?: string; Attributes?: Record<string, string> };
    const attributes = actor.Attributes ?? {};
    const type = String(event.Type ?? '');
    let mine = false;
    if (type === 'container') mine = isOwned(call.tenant, attributes);
    else if (type === 'volume') mine = String(actor.ID ?? '').startsWith(call.tenant.prefix);
    else if (type === 'network') mine = String(attributes.name ?? '').startsWith(call.tenant.prefix) || networks.has(String(actor.ID ?? ''));
    else if (type === 'image') mine = String(attributes.name ?? actor.ID ?? '').includes(call.tenant.ns);
    if (!mine) return undefined;
    const shownAttributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(attributes)) if (!k.startsWith('lab.')) shownAttributes[k] = scrub(call.tenant, v);
    if (filters.container && !filters.container.some((c) => shownAttributes.name === c || String(actor.ID).startsWith(c))) return undefined;
    const id = type === 'volume' ? scrub(call.tenant, String(actor.ID ?? '')) : String(actor.ID ?? '');
    return { ...event, id: type === 'volume' ? id : event.id, from: event.from ? scrub(call.tenant, String(event.from)) : undefined, Actor: { ID: id, Attributes: shownAttributes } };
  });
}
