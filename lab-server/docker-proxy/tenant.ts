import { createHash } from 'node:crypto';
import { LABEL } from '../runtime/labels';
import { policy } from './errors';

/** The role label on every object a learner creates through their proxy. */
export const LEARNER_OBJECT_ROLE = 'learner-object';
/** The ports a learner asked for (`-p`), recorded on the container: the engine never publishes them. */
export const PORTS_LABEL = 'lab.ports';
/** The image reference as the learner typed it, shown back by `docker ps` and `inspect`. */
export const IMAGE_LABEL = 'lab.image';

/**
 * One learner as the proxy sees them: who they are, how their objects are named on the shared
 * engine, and which of the lab's objects stand in for the host's defaults.
 */
export interface Tenant {
  instance: string;
  learnerId: string;
  /** Short, stable, not guessable from outside: names and tags are built from it. */
  ns: string;
  /** Engine name prefix of every container, network and volume of this learner. */
  prefix: string;
  /** The learner's workspace network: shown to them as the default `bridge`. */
  workspaceNetwork: string;
  /** Host path of the learner's home (the workspace's /root), as the engine should mount it. */
  homeSource: string | undefined;
  /** Host path of the learner's own proxy socket, for `-v /var/run/docker.sock:…`. */
  socketSource: string | undefined;
  allowEgress: boolean;
}

export function makeTenant(instance: string, learnerId: string, options: { workspaceKey?: string; homeSource?: string; socketSource?: string; allowEgress?: boolean } = {}): Tenant {
  const ns = createHash('sha256').update(`${instance}/${learnerId}`).digest('hex').slice(0, 12);
  return {
    instance,
    learnerId,
    ns,
    prefix: `lab-${instance}-${ns}-`,
    workspaceNetwork: `lab-${instance}-net-${options.workspaceKey ?? learnerId}`,
    homeSource: options.homeSource,
    socketSource: options.socketSource,
    allowEgress: options.allowEgress ?? false,
  };
}

export function ownerLabels(tenant: Tenant): Record<string, string> {
  return { [LABEL.managed]: '1', [LABEL.instance]: tenant.instance, [LABEL.role]: LEARNER_OBJECT_ROLE, [LABEL.learner]: tenant.learnerId };
}

/** Engine list filters that select exactly this learner's objects. */
export function ownerFilter(tenant: Tenant): string[] {
  return Object.entries(ownerLabels(tenant)).map(([k, v]) => `${k}=${v}`);
}

export function isOwned(tenant: Tenant, labels: Record<string, string> | null | undefined): boolean {
  if (!labels) return false;
  return Object.entries(ownerLabels(tenant)).every(([k, v]) => labels[k] === v);
}

const namePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

/** A name the learner chose → its engine name. */
export function engineName(tenant: Tenant, name: string, kind = 'name'): string {
  if (!namePattern.test(name)) throw policy(`invalid ${kind} "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, at most 64 characters`);
  return tenant.prefix + name;
}

/** An engine name → what the learner sees (undefined when it is not theirs). */
export function shownName(tenant: Tenant, name: string): string | undefined {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (bare === tenant.workspaceNetwork) return 'bridge';
  return bare.startsWith(tenant.prefix) ? bare.slice(tenant.prefix.length) : undefined;
}

/** Learners may label their objects, but never with the lab's own keys. */
export function checkUserLabels(labels: unknown): Record<string, string> {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== 'object' || Array.isArray(labels)) throw policy('Labels must be an object of strings');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    if (typeof value !== 'string') throw policy(`label ${key} must be a string`);
    if (key.toLowerCase().startsWith('lab.')) throw policy(`labels starting with "lab." are reserved for the lab`);
    out[key] = value;
  }
  return out;
}

/** Labels shown to the learner: the lab's own are hidden. */
export function visibleLabels(labels: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) if (!key.startsWith('lab.')) out[key] = value;
  return out;
}
