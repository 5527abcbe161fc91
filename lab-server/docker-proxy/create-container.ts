import path from 'node:path';
import type { Engine } from './engine';
import { imagePath, pathPart } from './engine';
import { policy, ProxyError } from './errors';
import { CONTAINER_CAPABILITIES, CONTAINER_LIMITS } from './limits';
import { resolveContainer, resolveImage, resolveNetwork } from './resolve';
import { canonicalize, isObject, isZero, type Json, type JsonObject } from './strict-json';
import { checkUserLabels, engineName, IMAGE_LABEL, ownerLabels, PORTS_LABEL, type Tenant } from './tenant';

/** Fields of the create body passed on as given (their values cannot reach the host). */
const PASS_CONFIG = ['Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Env', 'Cmd', 'Healthcheck', 'ArgsEscaped', 'WorkingDir', 'Entrypoint', 'StopSignal', 'StopTimeout', 'Shell', 'Volumes', 'ExposedPorts', 'NetworkDisabled', 'OnBuild'] as const;
const HANDLED_CONFIG = ['Image', 'Labels', 'HostConfig', 'NetworkingConfig'] as const;
/** Known to the engine, accepted only at their zero value. */
const ZERO_CONFIG = ['MacAddress'] as const;

const PASS_HOST = ['AutoRemove', 'ContainerIDFile', 'Dns', 'DnsOptions', 'DnsSearch', 'ExtraHosts', 'GroupAdd', 'PublishAllPorts', 'ReadonlyRootfs', 'Init', 'ConsoleSize', 'CpuShares', 'CpusetCpus', 'MemorySwappiness', 'MemoryReservation'] as const;
const HANDLED_HOST = ['Binds', 'Mounts', 'VolumesFrom', 'Links', 'NetworkMode', 'PortBindings', 'RestartPolicy', 'LogConfig', 'CapAdd', 'CapDrop', 'SecurityOpt', 'IpcMode', 'PidMode', 'Runtime', 'Isolation', 'Memory', 'MemorySwap', 'NanoCpus', 'CpuQuota', 'CpuPeriod', 'PidsLimit', 'ShmSize', 'Tmpfs', 'Ulimits', 'CgroupnsMode'] as const;
/**
 * The engine's escape hatches: accepted only when empty. Anything not listed anywhere is refused
 * unless empty too (default-deny covers fields newer engines add).
 */
const ZERO_HOST = ['Privileged', 'Devices', 'DeviceRequests', 'DeviceCgroupRules', 'Sysctls', 'UTSMode', 'UsernsMode', 'Cgroup', 'CgroupParent', 'VolumeDriver', 'OomKillDisable', 'OomScoreAdj', 'MaskedPaths', 'ReadonlyPaths', 'StorageOpt', 'KernelMemory', 'KernelMemoryTCP', 'CpuRealtimePeriod', 'CpuRealtimeRuntime', 'CpusetMems', 'BlkioWeight', 'BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps', 'CpuCount', 'CpuPercent', 'IOMaximumIOps', 'IOMaximumBandwidth', 'Annotations'] as const;

export interface CreatePlan {
  body: JsonObject;
  /** Named volumes to create (with the learner's labels) before the container. */
  volumes: string[];
  /** Shown by the CLI as `WARNING: …` (the create answer's `Warnings`). */
  warnings: string[];
}

function refuseUnknown(unknown: Map<string, Json>, where: string): void {
  for (const [key, value] of unknown) if (!isZero(value)) throw policy(`${where}${key} is not allowed in the lab`);
}

function refuseNonZero(fields: Map<string, Json>, names: readonly string[], where: string): void {
  for (const name of names) if (!isZero(fields.get(name))) throw policy(`${where}${name} is not allowed in the lab`);
}

const asStrings = (value: Json | undefined, what: string): string[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw policy(`${what} must be a list of strings`);
  return value as string[];
};

const asNumber = (value: Json | undefined, what: string): number => {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw policy(`${what} must be a number`);
  return value;
};

/**
 * Rebuilds a container-create body field by field: what the learner asked for, within the lab's
 * limits, plus the hardening every learner container gets. Nothing the learner sent reaches the
 * engine unless a rule here let it through.
 */
export async function planCreate(engine: Engine, tenant: Tenant, input: Json, name?: string): Promise<CreatePlan> {
  if (!isObject(input)) throw policy('the create body must be a JSON object');
  const { fields: config, unknown } = canonicalize(input, [...PASS_CONFIG, ...HANDLED_CONFIG, ...ZERO_CONFIG]);
  refuseUnknown(unknown, '');
  refuseNonZero(config, ZERO_CONFIG, '');
  const body: JsonObject = {};
  for (const name of PASS_CONFIG) if (config.has(name)) body[name] = config.get(name)!;

  const image = config.get('Image');
  if (typeof image !== 'string' || image === '') throw new ProxyError(400, 'No image was specified');
  body.Image = (await resolveImage(engine, tenant, image)).engineRef;

  const hostInput = config.get('HostConfig') ?? {};
  if (!isObject(hostInput)) throw policy('HostConfig must be an object');
  const { fields: host, unknown: unknownHost } = canonicalize(hostInput, [...PASS_HOST, ...HANDLED_HOST, ...ZERO_HOST]);
  refuseUnknown(unknownHost, 'HostConfig.');
  refuseNonZero(host, ZERO_HOST, 'HostConfig.');
  const hostConfig: JsonObject = {};
  for (const name of PASS_HOST) if (host.has(name)) hostConfig[name] = host.get(name)!;
  const volumes: string[] = [];

  // Storage: named volumes are the learner's (prefixed); host paths only inside their home.
  hostConfig.Binds = asStrings(host.get('Binds'), 'Binds').map((bind) => mapBind(tenant, bind, volumes));
  hostConfig.Mounts = mapMounts(tenant, host.get('Mounts'), volumes);
  hostConfig.VolumesFrom = await Promise.all(
    asStrings(host.get('VolumesFrom'), 'VolumesFrom').map(async (entry) => {
      const [ref, mode] = entry.split(':');
      if (mode !== undefined && mode !== 'ro' && mode !== 'rw') throw policy(`invalid VolumesFrom mode in ${entry}`);
      const owner = await resolveContainer(engine, tenant, ref!);
      return mode ? `${owner.Id}:${mode}` : owner.Id;
    }),
  );
  hostConfig.Tmpfs = mapTmpfs(host.get('Tmpfs'));

  // Network: "bridge" is the learner's own network; a container mode only joins their own.
  const networkMode = host.get('NetworkMode') ?? '';
  if (typeof networkMode !== 'string') throw policy('NetworkMode must be a string');
  hostConfig.NetworkMode = await mapNetworkMode(engine, tenant, networkMode, 'network');
  hostConfig.Links = await Promise.all(
    asStrings(host.get('Links'), 'Links').map(async (link) => {
      const [ref, alias] = link.split(':');
      const target = await resolveContainer(engine, tenant, ref!);
      return `${target.Names[0]!.slice(1)}:${alias ?? ref}`;
    }),
  );
  for (const mode of ['IpcMode', 'PidMode'] as const) {
    const value = host.get(mode) ?? '';
    if (typeof value !== 'string') throw policy(`${mode} must be a string`);
    if (value === '' || value === 'private' || value === 'shareable' || value === 'none') {
      if (value) hostConfig[mode] = value;
    } else if (value.startsWith('container:')) {
      hostConfig[mode] = `container:${(await resolveContainer(engine, tenant, value.slice('container:'.length))).Id}`;
    } else throw policy(`${mode} "${value}" is not allowed in the lab (host namespaces are never shared)`);
  }
  let networking = await mapNetworkingConfig(engine, tenant, config.get('NetworkingConfig'), hostConfig.NetworkMode);
  // The engine's DNS knows containers by their engine names; the learner's name becomes an alias.
  const networkName = String(hostConfig.NetworkMode);
  if (name && networkName !== 'none' && !networkName.startsWith('container:')) {
    const endpoints = (networking?.EndpointsConfig ?? {}) as JsonObject;
    const endpoint = (endpoints[networkName] ?? {}) as JsonObject;
    const aliases = Array.isArray(endpoint.Aliases) ? endpoint.Aliases : [];
    networking = { EndpointsConfig: { ...endpoints, [networkName]: { ...endpoint, Aliases: [...aliases, name] } } };
  }

  // Ports: recorded for the learner's view, never published on the host.
  const ports = mapPortBindings(host.get('PortBindings'));
  if (host.get('PublishAllPorts') === true) {
    const image = await engine.json<{ Config?: { ExposedPorts?: Record<string, unknown> | null } }>('GET', `/images/${imagePath(String(body.Image))}/json`);
    const exposed = [...Object.keys(image.Config?.ExposedPorts ?? {}), ...Object.keys(isObject(body.ExposedPorts) ? body.ExposedPorts : {})];
    for (const key of exposed) if (key.endsWith('/tcp') && !ports[key]) ports[key] = [{ HostIp: '', HostPort: randomHostPort() }];
  }
  hostConfig.PortBindings = {};
  hostConfig.PublishAllPorts = false;

  const cgroupns = host.get('CgroupnsMode') ?? '';
  if (cgroupns !== '' && cgroupns !== 'private') throw policy('CgroupnsMode "host" is not allowed in the lab (host namespaces are never shared)');
  if (cgroupns === 'private') hostConfig.CgroupnsMode = 'private';

  // Runtime, privileges, capabilities.
  const runtime = host.get('Runtime') ?? '';
  if (runtime !== '' && runtime !== 'runc') throw policy(`runtime ${JSON.stringify(runtime)} is not allowed in the lab`);
  const isolation = host.get('Isolation') ?? '';
  if (isolation !== '' && isolation !== 'default') throw policy('HostConfig.Isolation is not allowed in the lab');
  hostConfig.Privileged = false;
  const allowed = new Set<string>(CONTAINER_CAPABILITIES);
  const normalizeCap = (cap: string) => cap.toUpperCase().replace(/^CAP_/, '');
  const dropped = asStrings(host.get('CapDrop'), 'CapDrop').map(normalizeCap);
  for (const cap of asStrings(host.get('CapAdd'), 'CapAdd').map(normalizeCap)) {
    if (cap === 'ALL' || !allowed.has(cap)) throw policy(`capability ${cap} cannot be added in the lab`);
  }
  hostConfig.CapDrop = ['ALL'];
  hostConfig.CapAdd = dropped.includes('ALL') ? [] : CONTAINER_CAPABILITIES.filter((cap) => !dropped.includes(cap));
  for (const option of asStrings(host.get('SecurityOpt'), 'SecurityOpt')) {
    if (!/^no-new-privileges(?:[:=]true)?$/.test(option)) throw policy(`security option "${option}" is not allowed in the lab`);
  }
  hostConfig.SecurityOpt = ['no-new-privileges:true'];

  // Resources: defaults when unset, clamped when asked for more.
  const memory = asNumber(host.get('Memory'), 'Memory');
  if (memory < 0) throw policy('Memory cannot be negative');
  if (memory > CONTAINER_LIMITS.maxMemory) throw policy(`memory limit above ${CONTAINER_LIMITS.maxMemory / 1024 / 1024} MiB is not allowed in the lab`);
  hostConfig.Memory = memory || CONTAINER_LIMITS.defaultMemory;
  hostConfig.MemorySwap = hostConfig.Memory; // no swap beyond the memory limit
  const nanoCpus = asNumber(host.get('NanoCpus'), 'NanoCpus');
  const quota = asNumber(host.get('CpuQuota'), 'CpuQuota');
  const period = asNumber(host.get('CpuPeriod'), 'CpuPeriod');
  if (nanoCpus > CONTAINER_LIMITS.maxNanoCpus) throw policy(`more than ${CONTAINER_LIMITS.maxNanoCpus / 1e9} CPUs is not allowed in the lab`);
  if (quota > 0) {
    const effectivePeriod = period || 100_000;
    if (quota / effectivePeriod > CONTAINER_LIMITS.maxNanoCpus / 1e9) throw policy(`more than ${CONTAINER_LIMITS.maxNanoCpus / 1e9} CPUs is not allowed in the lab`);
    hostConfig.CpuQuota = quota;
    if (period) hostConfig.CpuPeriod = period;
    if (nanoCpus) hostConfig.NanoCpus = nanoCpus; // the engine reports the conflict itself
  } else {
    if (period) hostConfig.CpuPeriod = period;
    hostConfig.NanoCpus = nanoCpus > 0 ? nanoCpus : CONTAINER_LIMITS.defaultNanoCpus;
  }
  const pids = asNumber(host.get('PidsLimit'), 'PidsLimit');
  hostConfig.PidsLimit = pids > 0 ? Math.min(pids, CONTAINER_LIMITS.maxPids) : CONTAINER_LIMITS.defaultPids;
  const shm = asNumber(host.get('ShmSize'), 'ShmSize');
  if (shm > CONTAINER_LIMITS.maxShm) throw policy(`shm size above ${CONTAINER_LIMITS.maxShm / 1024 / 1024} MiB is not allowed in the lab`);
  if (shm > 0) hostConfig.ShmSize = shm;
  hostConfig.Ulimits = mapUlimits(host.get('Ulimits'));
  hostConfig.LogConfig = mapLogConfig(host.get('LogConfig'));
  const warnings: string[] = [];
  hostConfig.RestartPolicy = mapRestartPolicy(host.get('RestartPolicy'), warnings);

  const userLabels = checkUserLabels(config.get('Labels'));
  body.Labels = { ...userLabels, ...ownerLabels(tenant), [PORTS_LABEL]: JSON.stringify(ports), [IMAGE_LABEL]: image };
  if (Object.keys(ports).length > 0) body.ExposedPorts = { ...(isObject(body.ExposedPorts) ? body.ExposedPorts : {}), ...Object.fromEntries(Object.keys(ports).map((p) => [p, {}])) };
  body.HostConfig = hostConfig;
  if (networking) body.NetworkingConfig = networking;
  return { body, volumes: [...new Set(volumes)], warnings };
}

const volumeNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Where the workspace's /root lives on the host (the only host path a learner may mount). */
export const WORKSPACE_HOME = '/root';

function mapHostPath(tenant: Tenant, source: string): string {
  const normalized = path.posix.normalize(source);
  if (normalized === '/var/run/docker.sock' || normalized === '/run/docker.sock' || normalized === '/run/lab-docker/docker.sock') {
    // The learner's own proxy socket: a container that drives Docker acts as that learner, no more.
    if (!tenant.socketSource) throw policy('the Docker socket cannot be mounted on this lab server');
    return tenant.socketSource;
  }
  if (normalized !== WORKSPACE_HOME && !normalized.startsWith(`${WORKSPACE_HOME}/`)) {
    throw policy(`only paths inside your home directory (${WORKSPACE_HOME}) can be bind-mounted, not ${source}`);
  }
  if (!tenant.homeSource) throw policy('bind mounts from your home directory are not available on this lab server');
  return path.posix.join(tenant.homeSource, path.posix.relative(WORKSPACE_HOME, normalized));
}

function mapBind(tenant: Tenant, bind: string, volumes: string[]): string {
  const parts = bind.split(':');
  if (parts.length < 2 || parts.length > 3) throw policy(`invalid bind "${bind}"`);
  const [source, target, mode] = parts as [string, string, string | undefined];
  if (!target.startsWith('/')) throw policy(`invalid mount target "${target}": must be an absolute path`);
  if (mode !== undefined && !/^(ro|rw|z|Z|ro,z|ro,Z|rw,z|rw,Z|nocopy)$/.test(mode)) throw policy(`mount option "${mode}" is not allowed in the lab`);
  const suffix = mode ? `:${mode}` : '';
  if (source.startsWith('/')) return `${mapHostPath(tenant, source)}:${target}${suffix}`;
  if (!volumeNamePattern.test(source)) throw policy(`invalid volume name "${source}"`);
  const name = engineName(tenant, source, 'volume name');
  volumes.push(name);
  return `${name}:${target}${suffix}`;
}

function mapMounts(tenant: Tenant, input: Json | undefined, volumes: string[]): Json[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw policy('Mounts must be a list');
  return input.map((entry) => {
    if (!isObject(entry)) throw policy('each mount must be an object');
    const { fields, unknown } = canonicalize(entry, ['Type', 'Source', 'Target', 'ReadOnly', 'Consistency', 'BindOptions', 'VolumeOptions', 'TmpfsOptions']);
    refuseUnknown(unknown, 'Mounts.');
    const type = fields.get('Type');
    const target = fields.get('Target');
    if (typeof target !== 'string' || !target.startsWith('/')) throw policy('a mount needs an absolute Target');
    const out: JsonObject = { Type: type ?? 'volume', Target: target, ReadOnly: fields.get('ReadOnly') === true };
    const source = fields.get('Source') ?? '';
    if (typeof source !== 'string') throw policy('Mount Source must be a string');
    if (type === 'bind') {
      const bindOptions = fields.get('BindOptions');
      if (isObject(bindOptions)) {
        const { fields: b, unknown: u } = canonicalize(bindOptions, ['Propagation', 'NonRecursive', 'CreateMountpoint']);
        refuseUnknown(u, 'BindOptions.');
        if (!isZero(b.get('Propagation')) && b.get('Propagation') !== 'rprivate') throw policy('mount propagation is not allowed in the lab');
      }
      out.Source = mapHostPath(tenant, source);
    } else if (type === 'volume' || type === undefined) {
      const volumeOptions = fields.get('VolumeOptions');
      if (isObject(volumeOptions)) {
        const { fields: v, unknown: u } = canonicalize(volumeOptions, ['NoCopy', 'Labels', 'DriverConfig']);
        refuseUnknown(u, 'VolumeOptions.');
        if (!isZero(v.get('DriverConfig'))) throw policy('volume drivers and driver options are not allowed in the lab');
        checkUserLabels(v.get('Labels'));
        if (v.get('NoCopy') === true) out.VolumeOptions = { NoCopy: true };
      }
      if (source !== '') {
        if (!volumeNamePattern.test(source)) throw policy(`invalid volume name "${source}"`);
        out.Source = engineName(tenant, source, 'volume name');
        volumes.push(out.Source);
      }
    } else if (type === 'tmpfs') {
      const tmpfs = fields.get('TmpfsOptions');
      let size = CONTAINER_LIMITS.maxTmpfsBytes / 4;
      if (isObject(tmpfs)) {
        const { fields: t, unknown: u } = canonicalize(tmpfs, ['SizeBytes', 'Mode']);
        refuseUnknown(u, 'TmpfsOptions.');
        size = asNumber(t.get('SizeBytes'), 'SizeBytes') || size;
        if (size > CONTAINER_LIMITS.maxTmpfsBytes) throw policy(`tmpfs larger than ${CONTAINER_LIMITS.maxTmpfsBytes / 1024 / 1024} MiB is not allowed in the lab`);
        out.TmpfsOptions = { SizeBytes: size, ...(t.has('Mode') ? { Mode: asNumber(t.get('Mode'), 'Mode') } : {}) };
      } else out.TmpfsOptions = { SizeBytes: size };
    } else throw policy(`mount type ${JSON.stringify(type)} is not allowed in the lab`);
    return out;
  });
}

function parseSize(text: string): number {
  const match = /^(\d+)([kmg]?)b?$/i.exec(text);
  if (!match) throw policy(`invalid tmpfs size ${text}`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

function mapTmpfs(input: Json | undefined): JsonObject {
  if (input === undefined || input === null) return {};
  if (!isObject(input)) throw policy('Tmpfs must be an object');
  const out: JsonObject = {};
  for (const [target, options] of Object.entries(input)) {
    if (!target.startsWith('/') || typeof options !== 'string') throw policy(`invalid tmpfs ${target}`);
    const kept = options.split(',').filter((o) => o !== '');
    for (const option of kept) {
      if (!/^(rw|ro|noexec|exec|nosuid|suid|nodev|size=\w+|mode=[0-7]{3,4}|uid=\d+|gid=\d+)$/.test(option)) throw policy(`tmpfs option "${option}" is not allowed in the lab`);
      if (option === 'dev' || option === 'suid') throw policy(`tmpfs option "${option}" is not allowed in the lab`);
    }
    const size = kept.find((o) => o.startsWith('size='));
    if (size && parseSize(size.slice(5)) > CONTAINER_LIMITS.maxTmpfsBytes) throw policy(`tmpfs larger than ${CONTAINER_LIMITS.maxTmpfsBytes / 1024 / 1024} MiB is not allowed in the lab`);
    if (!size) kept.push(`size=${CONTAINER_LIMITS.defaultTmpfs}`);
    out[target] = ['nosuid', 'nodev', ...kept.filter((o) => o !== 'nosuid' && o !== 'nodev')].join(',');
  }
  return out;
}

async function mapNetworkMode(engine: Engine, tenant: Tenant, mode: string, what: string): Promise<string> {
  if (mode === '' || mode === 'default' || mode === 'bridge') return tenant.workspaceNetwork;
  if (mode === 'none') return 'none';
  if (mode === 'host') throw policy(`the host ${what} is not available in the lab`);
  if (mode.startsWith('container:')) return `container:${(await resolveContainer(engine, tenant, mode.slice('container:'.length))).Id}`;
  return (await resolveNetwork(engine, tenant, mode)).name;
}

async function mapNetworkingConfig(engine: Engine, tenant: Tenant, input: Json | undefined, networkMode: Json | undefined): Promise<JsonObject | undefined> {
  if (input === undefined || input === null) return undefined;
  if (!isObject(input)) throw policy('NetworkingConfig must be an object');
  const { fields, unknown } = canonicalize(input, ['EndpointsConfig']);
  refuseUnknown(unknown, 'NetworkingConfig.');
  const endpoints = fields.get('EndpointsConfig');
  if (endpoints === undefined || endpoints === null) return undefined;
  if (!isObject(endpoints)) throw policy('EndpointsConfig must be an object');
  const out: JsonObject = {};
  for (const [network, settings] of Object.entries(endpoints)) {
    const name = await mapNetworkMode(engine, tenant, network, 'network');
    if (name !== networkMode) throw policy('a container is created on one network; connect it to others afterwards with docker network connect');
    out[name] = mapEndpoint(settings);
  }
  return { EndpointsConfig: out };
}

/** Endpoint settings a learner may choose: aliases only (no fixed addresses or MACs). */
export function mapEndpoint(settings: Json | undefined): JsonObject {
  if (settings === undefined || settings === null) return {};
  if (!isObject(settings)) throw policy('endpoint settings must be an object');
  const { fields, unknown } = canonicalize(settings, ['Aliases', 'Links', 'IPAMConfig', 'MacAddress', 'DriverOpts', 'NetworkID', 'EndpointID', 'Gateway', 'IPAddress', 'IPPrefixLen', 'IPv6Gateway', 'GlobalIPv6Address', 'GlobalIPv6PrefixLen']);
  refuseUnknown(unknown, 'EndpointSettings.');
  for (const name of ['IPAMConfig', 'MacAddress', 'DriverOpts', 'Links', 'IPAddress', 'Gateway']) {
    if (!isZero(fields.get(name))) throw policy(`EndpointSettings.${name} is not allowed in the lab`);
  }
  const aliases = asStrings(fields.get('Aliases'), 'Aliases');
  for (const alias of aliases) if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(alias)) throw policy(`invalid network alias ${alias}`);
  return aliases.length > 0 ? { Aliases: aliases } : {};
}

/** Where Docker picks ephemeral host ports from (-P, or -p with no host port). */
const randomHostPort = () => String(32768 + Math.floor(Math.random() * 28000));

export type PortMap = Record<string, Array<{ HostIp: string; HostPort: string }>>;

function mapPortBindings(input: Json | undefined): PortMap {
  if (input === undefined || input === null) return {};
  if (!isObject(input)) throw policy('PortBindings must be an object');
  const out: PortMap = {};
  for (const [containerPort, bindings] of Object.entries(input)) {
    if (!/^\d{1,5}(\/(tcp|udp|sctp))?$/.test(containerPort)) throw policy(`invalid container port ${containerPort}`);
    const key = containerPort.includes('/') ? containerPort : `${containerPort}/tcp`;
    if (!key.endsWith('/tcp')) throw policy('only TCP ports can be published in the lab');
    const list: PortMap[string] = [];
    for (const binding of Array.isArray(bindings) ? bindings : []) {
      if (!isObject(binding)) throw policy('invalid port binding');
      const hostPort = binding.HostPort ?? binding.hostport ?? '';
      if (typeof hostPort !== 'string' || !/^(\d{1,5})?$/.test(hostPort)) throw policy(`invalid host port ${String(hostPort)} (ranges are not supported in the lab)`);
      const port = Number(hostPort);
      if (hostPort !== '' && (port < 1 || port > 65535)) throw policy(`host port ${hostPort} is out of range`);
      list.push({ HostIp: '', HostPort: hostPort === '' ? randomHostPort() : hostPort });
    }
    out[key] = list;
  }
  return out;
}

function mapUlimits(input: Json | undefined): JsonObject[] {
  const caps: Record<string, number> = { nofile: CONTAINER_LIMITS.maxNofile, nproc: CONTAINER_LIMITS.maxNproc, core: 0, stack: 64 * 1024 * 1024 };
  const out = new Map<string, JsonObject>([['nofile', { Name: 'nofile', Soft: 1024, Hard: CONTAINER_LIMITS.maxNofile }]]);
  if (input !== undefined && input !== null) {
    if (!Array.isArray(input)) throw policy('Ulimits must be a list');
    for (const entry of input) {
      if (!isObject(entry)) throw policy('invalid ulimit');
      const { fields, unknown } = canonicalize(entry, ['Name', 'Soft', 'Hard']);
      refuseUnknown(unknown, 'Ulimits.');
      const name = fields.get('Name');
      if (typeof name !== 'string' || !(name in caps)) throw policy(`ulimit ${String(name)} is not allowed in the lab`);
      const soft = asNumber(fields.get('Soft'), 'Soft');
      const hard = asNumber(fields.get('Hard'), 'Hard');
      if (soft < 0 || hard < 0 || soft > caps[name]! || hard > caps[name]!) throw policy(`ulimit ${name} above ${caps[name]} is not allowed in the lab`);
      out.set(name, { Name: name, Soft: soft, Hard: hard });
    }
  }
  if (!out.has('nproc')) out.set('nproc', { Name: 'nproc', Soft: CONTAINER_LIMITS.maxNproc, Hard: CONTAINER_LIMITS.maxNproc });
  return [...out.values()];
}

function mapLogConfig(input: Json | undefined): JsonObject {
  if (isObject(input)) {
    const type = input.Type ?? input.type;
    if (type !== undefined && type !== '' && type !== 'json-file' && type !== 'local') throw policy(`log driver ${JSON.stringify(type)} is not allowed in the lab`);
  }
  return { Type: CONTAINER_LIMITS.log.Type, Config: { ...CONTAINER_LIMITS.log.Config } };
}

/**
 * `always` and `unless-stopped` (in most Compose files) are accepted and applied as
 * `on-failure:3`, with a warning: containers end with the learner's session, and a container that
 * exits on its own is not brought back forever on the shared engine.
 */
function mapRestartPolicy(input: Json | undefined, warnings: string[]): JsonObject {
  if (input === undefined || input === null) return { Name: 'no' };
  if (!isObject(input)) throw policy('RestartPolicy must be an object');
  const { fields, unknown } = canonicalize(input, ['Name', 'MaximumRetryCount']);
  refuseUnknown(unknown, 'RestartPolicy.');
  const name = fields.get('Name') ?? '';
  const retries = asNumber(fields.get('MaximumRetryCount'), 'MaximumRetryCount');
  if (name === '' || name === 'no') return { Name: 'no' };
  if (name === 'on-failure') {
    if (retries > CONTAINER_LIMITS.maxRestartRetries) throw policy(`at most ${CONTAINER_LIMITS.maxRestartRetries} restarts are allowed in the lab (on-failure:${CONTAINER_LIMITS.maxRestartRetries})`);
    return { Name: 'on-failure', MaximumRetryCount: retries || CONTAINER_LIMITS.maxRestartRetries };
  }
  if (name === 'always' || name === 'unless-stopped') {
    warnings.push(`lab policy: restart policy "${name}" is applied as on-failure:${CONTAINER_LIMITS.maxRestartRetries} in the lab (containers end with your session)`);
    return { Name: 'on-failure', MaximumRetryCount: CONTAINER_LIMITS.maxRestartRetries };
  }
  throw policy(`restart policy "${String(name)}" is not allowed in the lab (containers end with your session); use --restart on-failure:${CONTAINER_LIMITS.maxRestartRetries}`);
}

/** Creates the named volumes a container needs, labelled as the learner's, if they do not exist yet. */
export async function ensureVolumes(engine: Engine, tenant: Tenant, names: string[]): Promise<void> {
  for (const name of names) {
    try {
      await engine.json('GET', `/volumes/${pathPart(name)}`);
    } catch (error) {
      if (!(error instanceof ProxyError) || error.status !== 404) throw error;
      await engine.json('POST', '/volumes/create', { Name: name, Driver: 'local', Labels: ownerLabels(tenant) });
    }
  }
}
