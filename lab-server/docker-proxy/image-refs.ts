import { catalog } from '../images/catalog';
import { policy } from './errors';
import type { Tenant } from './tenant';

/** A parsed image reference in Docker's normalized form. */
export interface ImageRef {
  domain: string;
  path: string;
  tag: string;
  digest?: string;
}

const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Docker's normalization: `httpd` → docker.io/library/httpd:latest. */
export function parseImageRef(ref: string): ImageRef {
  if (ref.length === 0 || ref.length > 255) throw policy(`invalid reference format: "${ref}"`);
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw policy(`invalid reference format: "${ref}"`);
  }
  let tag = 'latest';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw policy(`invalid tag in "${ref}"`);
  }
  const parts = rest.split('/');
  let domain = 'docker.io';
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) domain = parts.shift()!;
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && parts.length === 1) parts.unshift('library');
  if (parts.length === 0 || !parts.every((p) => component.test(p))) throw policy(`invalid reference format: repository name must be lowercase: "${ref}"`);
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(domain)) throw policy(`invalid reference format: "${ref}"`);
  return { domain, path: parts.join('/'), tag, ...(digest ? { digest } : {}) };
}

/** How Docker prints a reference: docker.io/library/ dropped. */
export function familiar(ref: ImageRef, withTag = true): string {
  let name = `${ref.domain}/${ref.path}`;
  if (ref.domain === 'docker.io') name = ref.path.startsWith('library/') ? ref.path.slice('library/'.length) : ref.path;
  return withTag ? `${name}:${ref.tag}` : name;
}

export const ALIAS_DOMAIN = 'lab.local';

/** Repository prefix of every tag the learner owns on the engine. */
export const aliasPrefix = (tenant: Tenant) => `${ALIAS_DOMAIN}/${tenant.instance}-${tenant.ns}/`;

/** The engine tag that stands for a learner's `name:tag`. */
export function aliasOf(tenant: Tenant, ref: ImageRef): string {
  // A registry's port cannot appear in a path component: localhost:5000 becomes localhost_5000.
  return `${aliasPrefix(tenant)}${ref.domain.replace(/:(\d+)$/, '_$1')}/${ref.path}:${ref.tag}`;
}

/** Engine repo:tag → the learner's familiar name, or undefined when it is not one of theirs. */
export function unalias(tenant: Tenant, repoTag: string): string | undefined {
  const prefix = aliasPrefix(tenant);
  if (!repoTag.startsWith(prefix)) return undefined;
  const rest = repoTag.slice(prefix.length);
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  const [domain, ...path] = (hasTag ? rest.slice(0, colon) : rest).split('/');
  if (!domain || path.length === 0) return undefined;
  return familiar({ domain: domain.replace(/_(\d+)$/, ':$1'), path: path.join('/'), tag: hasTag ? rest.slice(colon + 1) : 'latest' }, hasTag);
}

/** References into the lab's private alias space are never accepted from a learner. */
export function refuseAliasSpace(ref: ImageRef): void {
  if (ref.domain === ALIAS_DOMAIN) throw policy(`the registry name ${ALIAS_DOMAIN} is reserved for the lab`);
}

/** The images a learner may pull: the offline catalog (not the lab's own workspace image). */
export function pullableTags(): Map<string, string> {
  const tags = new Map<string, string>();
  for (const spec of catalog) {
    if (spec.name === 'lab/workspace') continue;
    for (const tag of spec.tags) tags.set(familiar(parseImageRef(tag)), tag);
  }
  return tags;
}
