import { randomBytes } from 'node:crypto';
import { type Call, parseFilters, pickQuery, readJsonBody, relay, sendJson } from './call';
import { pathPart } from './engine';
import { badRequest, policy, ProxyError } from './errors';
import { QUOTAS } from './limits';
import { presentVolume } from './present';
import { ownContainers, ownVolumes, resolveVolume } from './resolve';
import { canonicalize, isObject, isZero } from './strict-json';
import { checkUserLabels, engineName, ownerLabels } from './tenant';

export async function listVolumes(call: Call): Promise<void> {
  const q = pickQuery(call, ['filters']);
  const filters = parseFilters(q.filters);
  for (const key of Object.keys(filters)) if (!['name', 'label', 'driver', 'dangling'].includes(key)) throw badRequest(`invalid filter '${key}'`);
  let rows = (await ownVolumes(call.engine, call.tenant)).map((v) => presentVolume(call.tenant, v));
  if (filters.name) rows = rows.filter((v) => filters.name!.some((n) => String(v.Name).includes(n)));
  if (filters.dangling) {
    const used = await volumesInUse(call);
    const dangling = filters.dangling.includes('true') || filters.dangling.includes('1');
    rows = rows.filter((v) => used.has(call.tenant.prefix + String(v.Name)) !== dangling);
  }
  sendJson(call.res, 200, { Volumes: rows, Warnings: [] });
}

async function volumesInUse(call: Call): Promise<Set<string>> {
  const used = new Set<string>();
  for (const c of await ownContainers(call.engine, call.tenant)) for (const m of (c.Mounts as Array<{ Name?: string }> | undefined) ?? []) if (m.Name) used.add(m.Name);
  return used;
}

export async function createVolume(call: Call): Promise<void> {
  pickQuery(call, []);
  const body = await readJsonBody(call);
  if (!isObject(body)) throw badRequest('invalid body');
  const { fields, unknown } = canonicalize(body, ['Name', 'Driver', 'DriverOpts', 'Labels', 'ClusterVolumeSpec']);
  for (const [key, value] of unknown) if (!isZero(value)) throw policy(`${key} is not allowed in the lab`);
  // `local` with o=bind,device=/etc would mount any host path: no driver options, ever.
  if (!isZero(fields.get('DriverOpts'))) throw policy('volume driver options are not allowed in the lab (they can mount host paths)');
  if (!isZero(fields.get('ClusterVolumeSpec'))) throw policy('cluster volumes are not available in the lab');
  const driver = fields.get('Driver') ?? 'local';
  if (driver !== 'local' && driver !== '') throw policy(`volume driver ${JSON.stringify(driver)} is not available in the lab`);
  const requested = fields.get('Name');
  const name = typeof requested === 'string' && requested !== '' ? requested : randomBytes(32).toString('hex');
  const engineVolume = engineName(call.tenant, name, 'volume name');
  const mine = await ownVolumes(call.engine, call.tenant);
  if (!mine.some((v) => v.Name === engineVolume) && mine.length >= QUOTAS.volumes) throw policy(`you already have ${mine.length} volumes, the most the lab allows; remove some with docker volume rm`);
  const created = await call.engine.json<Record<string, unknown>>('POST', '/volumes/create', { Name: engineVolume, Driver: 'local', Labels: { ...checkUserLabels(fields.get('Labels')), ...ownerLabels(call.tenant) } });
  sendJson(call.res, 201, presentVolume(call.tenant, created));
}

export async function inspectVolume(call: Call): Promise<void> {
  pickQuery(call, []);
  const name = await resolveVolume(call.engine, call.tenant, call.params[0]!);
  sendJson(call.res, 200, presentVolume(call.tenant, await call.engine.json('GET', `/volumes/${pathPart(name)}`)));
}

export async function removeVolume(call: Call): Promise<void> {
  const q = pickQuery(call, ['force']);
  const name = await resolveVolume(call.engine, call.tenant, call.params[0]!);
  await relay(call, await call.engine.request('DELETE', `/volumes/${pathPart(name)}${q.force ? `?force=${encodeURIComponent(q.force)}` : ''}`));
}

export async function pruneVolumes(call: Call): Promise<void> {
  pickQuery(call, ['filters']);
  const used = await volumesInUse(call);
  const deleted: string[] = [];
  for (const v of await ownVolumes(call.engine, call.tenant)) {
    if (used.has(v.Name)) continue;
    const answer = await call.engine.request('DELETE', `/volumes/${pathPart(v.Name)}`);
    answer.stream.resume();
    if (answer.status < 300) deleted.push(v.Name.slice(call.tenant.prefix.length));
    else if (answer.status >= 500) throw new ProxyError(answer.status, 'could not remove a volume');
  }
  sendJson(call.res, 200, { VolumesDeleted: deleted, SpaceReclaimed: 0 });
}
