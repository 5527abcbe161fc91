import { randomBytes } from 'node:crypto';
import { type Call, parseFilters, pickQuery, readJsonBody, relay, sendJson } from './call';
import { ensureVolumes, planCreate } from './create-container';
import { badRequest, policy, ProxyError } from './errors';
import { checkPortsFree, startForwarders, stopForwarders } from './forwarders';
import { aliasOf, parseImageRef, refuseAliasSpace } from './image-refs';
import { QUOTAS } from './limits';
import { presentContainerInspect, presentContainerSummary } from './present';
import { encodeQuery } from './request-line';
import { labelFilters, ownContainers, resolveContainer, resolveImage, resolveNetwork } from './resolve';
import { canonicalize, isObject, isZero } from './strict-json';
import { engineName, shownName } from './tenant';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `docker ps` filters, mapped onto the learner's own names; the owner labels are always added. */
async function mapContainerFilters(call: Call, text: string | undefined): Promise<Record<string, string[]>> {
  const filters = parseFilters(text);
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(filters)) {
    switch (key) {
      case 'status':
      case 'exited':
      case 'health':
      case 'id':
      case 'is-task':
      case 'isolation':
      case 'expose':
        out[key] = values;
        break;
      case 'label':
        if (values.some((v) => v.toLowerCase().startsWith('lab.'))) throw policy('labels starting with "lab." are reserved for the lab');
        out.label = values;
        break;
      case 'name':
        out.name = values.map((v) => (v.startsWith('^/') ? `^/${escapeRegex(call.tenant.prefix)}${v.slice(2)}` : v.startsWith('^') ? `^/?${escapeRegex(call.tenant.prefix)}${v.slice(1)}` : v));
        break;
      case 'ancestor':
        out.ancestor = await Promise.all(values.map(async (v) => (await resolveImage(call.engine, call.tenant, v).catch(() => ({ engineRef: aliasOf(call.tenant, parseImageRef(v)) }))).engineRef));
        break;
      case 'network':
        out.network = await Promise.all(values.map(async (v) => (await resolveNetwork(call.engine, call.tenant, v)).id));
        break;
      case 'volume':
        out.volume = values.map((v) => (v.startsWith('/') ? v : call.tenant.prefix + v));
        break;
      case 'before':
      case 'since':
        out[key] = await Promise.all(values.map(async (v) => (await resolveContainer(call.engine, call.tenant, v)).Id));
        break;
      case 'publish':
        break; // nothing is published on the engine; the recorded ports are filtered below
      default:
        throw badRequest(`invalid filter '${key}'`);
    }
  }
  return out;
}

export async function listContainers(call: Call): Promise<void> {
  const q = pickQuery(call, ['all', 'limit', 'size', 'filters', 'since', 'before']);
  const filters = await mapContainerFilters(call, q.filters);
  const rows = await call.engine.json<Array<Record<string, unknown>>>('GET', `/containers/json${encodeQuery({ all: q.all, limit: q.limit, size: q.size, filters: labelFilters(call.tenant, filters) })}`);
  sendJson(call.res, 200, rows.map((row) => presentContainerSummary(call.tenant, row, row.State === 'running')));
}

export async function createContainer(call: Call): Promise<void> {
  const q = pickQuery(call, ['name', 'platform']);
  const body = await readJsonBody(call);
  const mine = await ownContainers(call.engine, call.tenant);
  if (mine.length >= QUOTAS.containers) throw policy(`you already have ${mine.length} containers, the most the lab allows; remove some with docker rm (or docker container prune)`);
  const shown = q.name ? q.name.replace(/^\//, '') : randomName();
  const name = engineName(call.tenant, shown, 'container name');
  const plan = await planCreate(call.engine, call.tenant, body, shown);
  await ensureVolumes(call.engine, call.tenant, plan.volumes);
  const created = await call.engine.json<{ Id: string; Warnings: string[] | null }>('POST', `/containers/create${encodeQuery({ name })}`, plan.body);
  sendJson(call.res, 201, { Id: created.Id, Warnings: [...plan.warnings, ...(created.Warnings ?? [])] });
}

const adjectives = ['brave', 'calm', 'eager', 'fervent', 'gifted', 'happy', 'jolly', 'keen', 'lucid', 'modest', 'nifty', 'quirky', 'serene', 'tender', 'vibrant', 'zealous'];
const scientists = ['hopper', 'lovelace', 'turing', 'curie', 'noether', 'ritchie', 'thompson', 'torvalds', 'knuth', 'liskov', 'hamilton', 'goldberg', 'shannon', 'wozniak', 'kare', 'allen'];
/** Docker-style names (the learner never sees the prefix, so `docker ps` looks familiar). */
function randomName(): string {
  const bytes = randomBytes(3);
  return `${adjectives[bytes[0]! % adjectives.length]}_${scientists[bytes[1]! % scientists.length]}${bytes[2]! % 10}`;
}

export async function inspectContainer(call: Call): Promise<void> {
  pickQuery(call, ['size']);
  const target = await resolveContainer(call.engine, call.tenant, call.params[0]!);
  const inspect = await call.engine.json<Record<string, unknown>>('GET', `/containers/${target.Id}/json${encodeQuery({ size: call.parsed.query.get('size') })}`);
  sendJson(call.res, 200, presentContainerInspect(call.tenant, inspect));
}

/** start/stop/restart/kill/pause/unpause/resize/wait: resolve, forward the allowed parameters. */
export function containerAction(action: string, allowed: readonly string[]) {
  return async (call: Call): Promise<void> => {
    const q = pickQuery(call, allowed);
    const target = await resolveContainer(call.engine, call.tenant, call.params[0]!);
    if (action === 'start' || action === 'restart') await checkPortsFree(call, target.Id, target.Labels);
    if (action === 'stop' || action === 'kill' || action === 'restart') await stopForwarders(call, target.Labels);
    const answer = await call.engine.request('POST', `/containers/${target.Id}/${action}${encodeQuery(q)}`);
    if ((action === 'start' || action === 'restart') && answer.status < 300) await startForwarders(call, target.Id).catch(() => undefined);
    await relay(call, answer);
  };
}

export async function removeContainer(call: Call): Promise<void> {
  const q = pickQuery(call, ['force', 'v', 'link']);
  if (q.link === '1' || q.link === 'true') throw policy('legacy links cannot be removed separately in the lab');
  const target = await resolveContainer(call.engine, call.tenant, call.params[0]!);
  if (target.State === 'running' && (q.force === '1' || q.force === 'true')) await stopForwarders(call, target.Labels);
  // Anonymous volumes always go with their container: they carry no owner label to clean up later.
  await relay(call, await call.engine.request('DELETE', `/containers/${target.Id}${encodeQuery({ force: q.force, v: '1' })}`));
}

/** logs, top, changes, export, stats: read-only views of one container. */
export function containerView(view: string, allowed: readonly string[]) {
  return async (call: Call): Promise<void> => {
    const q = pickQuery(call, allowed);
    const target = await resolveContainer(call.engine, call.tenant, call.params[0]!);
    const answer = await call.engine.request('GET', `/containers/${target.Id}/${view}${encodeQuery(q)}`);
    if (view === 'stats') {
      await relay(call, answer, (stats) => ({ ...stats, name: `/${shownName(call.tenant, String(stats.name ?? '')) ?? ''}` }));
      return;
    }
    await relay(call, answer);
  };
}

export async function archive(call: Call): Promise<void> {
  const q = pickQuery(call, ['path', 'noOverwriteDirNonDir', 'copyUIDGID']);
  if (!q.path) throw badRequest('path is required');
  const target = await resolveContainer(call.engine, call.tenant, call.params[0]!);
  const method = call.req.method!;
  const headers: Record<string, string> = {};
  if (method === 'PUT') headers['Content-Type'] = 'application/x-tar';
  const answer = await call.engine.request(method, `/containers/${target.Id}/archive${encodeQuery(q)}`, method === 'PUT' ? { body: call.req, headers } : {});
  await relay(call, answer);
}

export async function renameContainer(call: Call): Promise<void> {
  const q = pickQuery(call, ['name']);
  if (!q.name) throw badRequest('name is required');
  const target = await resolveContainer(call.engine, call.tenant, call.params[0]!);
  await relay(call, await call.engine.request('POST', `/containers/${target.Id}/rename${encodeQuery({ name: engineName(call.tenant, q.name, 'container name') })}`));
}

export async function updateContainer(call: Call): Promise<void> {
  pickQuery(call, []);
  const target = await resolveContainer(call.engine, call.tenant, call.params[0]!);
  const body = await readJsonBody(call);
  if (!isObject(body)) throw badRequest('invalid body');
  // Reuse the create rules: an update may ask for no more than a new container could.
  const { fields, unknown } = canonicalize(body, ['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuQuota', 'CpuPeriod', 'PidsLimit', 'RestartPolicy']);
  for (const [key, value] of unknown) if (!isZero(value)) throw policy(`${key} cannot be updated in the lab`);
  // The image only has to resolve for the create rules; by ID, since `target.Image` is the engine's alias (lab.local/…), which a learner may not name.
  const plan = await planCreate(call.engine, call.tenant, { Image: target.ImageID, HostConfig: Object.fromEntries(fields) });
  const host = plan.body.HostConfig as Record<string, unknown>;
  const update: Record<string, unknown> = {};
  for (const key of fields.keys()) update[key] = host[key];
  if (fields.has('Memory')) update.MemorySwap = host.MemorySwap;
  await relay(call, await call.engine.request('POST', `/containers/${target.Id}/update`, { body: Buffer.from(JSON.stringify(update)), headers: { 'Content-Type': 'application/json' } }));
}

export async function pruneContainers(call: Call): Promise<void> {
  const q = pickQuery(call, ['filters']);
  const filters = await mapContainerFilters(call, q.filters);
  const stopped = await ownContainers(call.engine, call.tenant, { ...filters, status: ['exited', 'created', 'dead'] });
  const deleted: string[] = [];
  for (const c of stopped) {
    const answer = await call.engine.request('DELETE', `/containers/${c.Id}?v=1`);
    answer.stream.resume();
    if (answer.status < 300) deleted.push(c.Id);
  }
  sendJson(call.res, 200, { ContainersDeleted: deleted, SpaceReclaimed: 0 });
}

/** `docker commit`: the new image is tagged in the learner's namespace. */
export async function commitContainer(call: Call): Promise<void> {
  const q = pickQuery(call, ['container', 'repo', 'tag', 'comment', 'author', 'pause', 'changes']);
  const target = await resolveContainer(call.engine, call.tenant, q.container ?? '');
  if (q.changes && /\blab\./i.test(q.changes)) throw policy('labels starting with "lab." are reserved for the lab');
  const body = await readJsonBody(call);
  if (!isZero(body)) throw policy('a configuration body for commit is not supported in the lab; use --change');
  const forward: Record<string, string | undefined> = { container: target.Id, comment: q.comment, author: q.author, pause: q.pause, changes: q.changes };
  if (q.repo) {
    const ref = parseImageRef(`${q.repo}:${q.tag || 'latest'}`);
    refuseAliasSpace(ref);
    const alias = aliasOf(call.tenant, ref);
    const colon = alias.lastIndexOf(':');
    forward.repo = alias.slice(0, colon);
    forward.tag = alias.slice(colon + 1);
  }
  const created = await call.engine.json<{ Id: string }>('POST', `/commit${encodeQuery(forward)}`);
  sendJson(call.res, 201, created);
}

/** `docker exec` create: the command runs as the container's user or one the learner names, never privileged. */
export async function createExec(call: Call): Promise<void> {
  pickQuery(call, []);
  const target = await resolveContainer(call.engine, call.tenant, call.params[0]!);
  const body = await readJsonBody(call);
  if (!isObject(body)) throw badRequest('invalid body');
  const { fields, unknown } = canonicalize(body, ['AttachStdin', 'AttachStdout', 'AttachStderr', 'DetachKeys', 'Tty', 'Env', 'Cmd', 'WorkingDir', 'User', 'Privileged', 'ConsoleSize']);
  for (const [key, value] of unknown) if (!isZero(value)) throw policy(`${key} is not allowed in the lab`);
  if (fields.get('Privileged') === true) throw policy('privileged exec is not allowed in the lab');
  fields.delete('Privileged');
  const created = await call.engine.json<{ Id: string }>('POST', `/containers/${target.Id}/exec`, Object.fromEntries(fields));
  sendJson(call.res, 201, created);
}

/** An exec id is usable only if it belongs to one of the learner's containers. */
export async function ownExec(call: Call, execId: string): Promise<string> {
  if (!/^[a-f0-9]{64}$/.test(execId)) throw new ProxyError(404, `No such exec instance: ${execId}`);
  let containerId: string;
  try {
    containerId = (await call.engine.json<{ ContainerID: string }>('GET', `/exec/${execId}/json`)).ContainerID;
  } catch {
    throw new ProxyError(404, `No such exec instance: ${execId}`);
  }
  await resolveContainer(call.engine, call.tenant, containerId).catch(() => {
    throw new ProxyError(404, `No such exec instance: ${execId}`);
  });
  return execId;
}

export async function inspectExec(call: Call): Promise<void> {
  pickQuery(call, []);
  const id = await ownExec(call, call.params[0]!);
  sendJson(call.res, 200, await call.engine.json('GET', `/exec/${id}/json`));
}

export async function resizeExec(call: Call): Promise<void> {
  const q = pickQuery(call, ['h', 'w']);
  const id = await ownExec(call, call.params[0]!);
  await relay(call, await call.engine.request('POST', `/exec/${id}/resize${encodeQuery(q)}`));
}

/** `docker exec -d`: started without attaching (the attached form arrives as an upgrade). */
export async function startExecDetached(call: Call): Promise<void> {
  pickQuery(call, []);
  const id = await ownExec(call, call.params[0]!);
  const body = await readJsonBody(call);
  const detach = isObject(body) ? body.Detach ?? body.detach : undefined;
  if (detach !== true) throw badRequest('attach to an exec with an upgraded connection');
  await relay(call, await call.engine.request('POST', `/exec/${id}/start`, { body: Buffer.from(JSON.stringify({ Detach: true, Tty: isObject(body) && body.Tty === true })), headers: { 'Content-Type': 'application/json' } }));
}

