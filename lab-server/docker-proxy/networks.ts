import { type Call, parseFilters, pickQuery, readJsonBody, relay, sendJson } from './call';
import { ADDRESS_POOLS_FULL, freeSubnet, withFallbackLock } from '../runtime/address-pool';
import { mapEndpoint } from './create-container';
import { leaveNetwork } from './forwarders';
import { pathPart } from './engine';
import { badRequest, policy, ProxyError } from './errors';
import { QUOTAS } from './limits';
import { presentNetwork } from './present';
import { encodeQuery } from './request-line';
import { labelFilters, ownContainers, ownNetworks, resolveContainer, resolveNetwork } from './resolve';
import { canonicalize, isObject, isZero } from './strict-json';
import { checkUserLabels, engineName, ownerLabels } from './tenant';

export async function listNetworks(call: Call): Promise<void> {
  const q = pickQuery(call, ['filters']);
  const filters = parseFilters(q.filters);
  for (const key of Object.keys(filters)) if (!['name', 'label', 'driver', 'id', 'type', 'scope', 'dangling'].includes(key)) throw badRequest(`invalid filter '${key}'`);
  const own = await call.engine.json<Array<Record<string, unknown>>>('GET', `/networks${encodeQuery({ filters: labelFilters(call.tenant) })}`);
  const workspace = await call.engine.json<Record<string, unknown>>('GET', `/networks/${pathPart(call.tenant.workspaceNetwork)}`);
  let rows = [workspace, ...own].map((n) => presentNetwork(call.tenant, n));
  if (filters.name) rows = rows.filter((n) => filters.name!.some((v) => String(n.Name).includes(v)));
  if (filters.id) rows = rows.filter((n) => filters.id!.some((v) => String(n.Id).startsWith(v)));
  if (filters.driver) rows = rows.filter((n) => filters.driver!.includes(String(n.Driver)));
  if (filters.label) rows = rows.filter((n) => filters.label!.every((l) => (n.Labels as Record<string, string>)[l.split('=')[0]!] !== undefined));
  if (filters.type?.includes('custom')) rows = rows.filter((n) => n.Name !== 'bridge');
  if (filters.type?.includes('builtin')) rows = rows.filter((n) => n.Name === 'bridge');
  sendJson(call.res, 200, rows);
}

export async function inspectNetwork(call: Call): Promise<void> {
  pickQuery(call, ['verbose', 'scope']);
  const target = await resolveNetwork(call.engine, call.tenant, call.params[0]!);
  sendJson(call.res, 200, presentNetwork(call.tenant, await call.engine.json('GET', `/networks/${target.id}`)));
}

/** A learner network, in the lab's own range when Docker's default pools are exhausted (see runtime/address-pool.ts). */
export async function createNetworkOnEngine(call: Call, body: Record<string, unknown>): Promise<{ Id: string; Warning?: string }> {
  try {
    return await call.engine.json<{ Id: string }>('POST', '/networks/create', body as never);
  } catch (error) {
    if (!(error instanceof ProxyError) || !ADDRESS_POOLS_FULL.test(error.message)) throw error;
    return withFallbackLock(async () => {
      const used: string[] = [];
      for (const n of await call.engine.json<Array<{ IPAM?: { Config?: Array<{ Subnet?: string }> | null } }>>('GET', '/networks')) for (const c of n.IPAM?.Config ?? []) if (c.Subnet) used.push(c.Subnet);
      const subnet = freeSubnet(used);
      if (!subnet) throw new ProxyError(503, 'the lab has no network addresses left; try again later');
      return call.engine.json<{ Id: string }>('POST', '/networks/create', { ...body, IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] } } as never);
    });
  }
}

export async function createNetwork(call: Call): Promise<void> {
  pickQuery(call, []);
  const body = await readJsonBody(call);
  if (!isObject(body)) throw badRequest('invalid body');
  const { fields, unknown } = canonicalize(body, ['Name', 'CheckDuplicate', 'Driver', 'Internal', 'Attachable', 'Ingress', 'IPAM', 'EnableIPv6', 'Options', 'Labels', 'Scope', 'ConfigOnly', 'ConfigFrom']);
  for (const [key, value] of unknown) if (!isZero(value)) throw policy(`${key} is not allowed in the lab`);
  for (const key of ['Ingress', 'EnableIPv6', 'Options', 'ConfigOnly', 'ConfigFrom']) if (!isZero(fields.get(key))) throw policy(`network ${key} is not allowed in the lab`);
  const driver = fields.get('Driver') ?? 'bridge';
  if (driver !== 'bridge' && driver !== '') throw policy(`network driver ${JSON.stringify(driver)} is not available in the lab (use bridge)`);
  const ipam = fields.get('IPAM');
  if (isObject(ipam) && (!isZero(ipam.Config) || !isZero(ipam.Options) || (ipam.Driver !== undefined && ipam.Driver !== 'default' && ipam.Driver !== ''))) throw policy('custom subnets and IPAM settings are not allowed in the lab');
  const name = fields.get('Name');
  if (typeof name !== 'string' || name === '') throw badRequest('network name is required');
  if (['bridge', 'host', 'none', 'default'].includes(name)) throw new ProxyError(403, `${name} is a pre-defined network and cannot be created`);
  const engineName_ = engineName(call.tenant, name, 'network name');
  const mine = await ownNetworks(call.engine, call.tenant);
  if (mine.some((n) => n.Name === engineName_)) throw new ProxyError(409, `network with name ${name} already exists`);
  if (mine.length >= QUOTAS.networks) throw policy(`you already have ${mine.length} networks, the most the lab allows; remove some with docker network rm`);
  const created = await createNetworkOnEngine(call, {
    Name: engineName_,
    CheckDuplicate: true,
    Driver: 'bridge',
    // Learner networks reach nothing outside the lab unless the operator allowed egress.
    Internal: fields.get('Internal') === true || !call.tenant.allowEgress,
    Attachable: fields.get('Attachable') === true,
    Labels: { ...checkUserLabels(fields.get('Labels')), ...ownerLabels(call.tenant) },
  });
  sendJson(call.res, 201, { Id: created.Id, Warning: '' });
}

export async function removeNetwork(call: Call): Promise<void> {
  pickQuery(call, []);
  const target = await resolveNetwork(call.engine, call.tenant, call.params[0]!);
  if (target.isDefault) throw new ProxyError(403, 'bridge is a pre-defined network and cannot be removed');
  await leaveNetwork(call, target.id);
  await relay(call, await call.engine.request('DELETE', `/networks/${target.id}`));
}

export function connectNetwork(action: 'connect' | 'disconnect') {
  return async (call: Call): Promise<void> => {
    pickQuery(call, []);
    const target = await resolveNetwork(call.engine, call.tenant, call.params[0]!);
    const body = await readJsonBody(call);
    if (!isObject(body)) throw badRequest('invalid body');
    const { fields, unknown } = canonicalize(body, ['Container', 'EndpointConfig', 'Force']);
    for (const [key, value] of unknown) if (!isZero(value)) throw policy(`${key} is not allowed in the lab`);
    const container = await resolveContainer(call.engine, call.tenant, String(fields.get('Container') ?? ''));
    const forward: Record<string, unknown> = { Container: container.Id };
    if (action === 'connect') {
      const endpoint = mapEndpoint(fields.get('EndpointConfig'));
      const shown = container.Names[0]!.slice(1 + call.tenant.prefix.length);
      forward.EndpointConfig = { ...endpoint, Aliases: [...((endpoint.Aliases as string[] | undefined) ?? []), shown] };
    }
    else forward.Force = fields.get('Force') === true;
    await relay(call, await call.engine.request('POST', `/networks/${target.id}/${action}`, { body: Buffer.from(JSON.stringify(forward)), headers: { 'Content-Type': 'application/json' } }));
  };
}

export async function pruneNetworks(call: Call): Promise<void> {
  pickQuery(call, ['filters']);
  const inUse = new Set<string>();
  for (const c of await ownContainers(call.engine, call.tenant)) {
    const settings = c.NetworkSettings as { Networks?: Record<string, { NetworkID?: string }> } | undefined;
    for (const n of Object.values(settings?.Networks ?? {})) if (n.NetworkID) inUse.add(n.NetworkID);
  }
  const deleted: string[] = [];
  for (const n of await ownNetworks(call.engine, call.tenant)) {
    if (inUse.has(n.Id)) continue;
    await leaveNetwork(call, n.Id);
    const answer = await call.engine.request('DELETE', `/networks/${n.Id}`);
    answer.stream.resume();
    if (answer.status < 300) deleted.push(n.Name.slice(call.tenant.prefix.length));
  }
  sendJson(call.res, 200, { NetworksDeleted: deleted });
}
