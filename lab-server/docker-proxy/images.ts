import { type Call, parseFilters, pickQuery, readJsonBody, relay, sendJson } from './call';
import { isLabRegistry, LAB_REGISTRY } from './registry';
import { isObject } from './strict-json';
import { imagePath } from './engine';
import { badRequest, notFound, policy, ProxyError } from './errors';
import { aliasOf, aliasPrefix, familiar, type ImageRef, parseImageRef, pullableTags, refuseAliasSpace, unalias } from './image-refs';
import { QUOTAS } from './limits';
import { pipeline } from 'node:stream/promises';
import { presentImage } from './present';
import { retagImageTarball } from './tarballs';
import { encodeQuery } from './request-line';
import { ownContainers, ownImages, resolveImage } from './resolve';

/**
 * RepoDigests, as an engine records them on push and pull, for the learner's `localhost:5000/…`
 * tags: the engine's own digest references go with the lab's temporary registry names, so the
 * lab registry is asked, and a digest is shown only when the manifest there is this very image.
 */
async function labRegistryDigests(call: Call, image: { Id?: unknown; RepoTags?: unknown }): Promise<string[]> {
  const tags = ((image.RepoTags as string[] | null) ?? []).map((t) => unalias(call.tenant, t)).filter((t): t is string => t !== undefined).map((t) => parseImageRef(t)).filter((ref) => isLabRegistry(ref.domain));
  const address = tags.length > 0 ? await call.hooks.registry.started() : undefined;
  if (!address) return [];
  const digests = new Set<string>();
  for (const ref of tags) {
    const answer = await fetch(`http://${address}/v2/${call.tenant.ns}/${ref.path}/manifests/${encodeURIComponent(ref.tag)}`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
      signal: AbortSignal.timeout(2_000),
    }).catch(() => undefined);
    if (!answer?.ok) continue;
    const digest = answer.headers.get('docker-content-digest');
    const manifest = (await answer.json().catch(() => undefined)) as { config?: { digest?: string } } | undefined;
    if (digest && manifest?.config?.digest === image.Id) digests.add(`${LAB_REGISTRY}/${ref.path}@${digest}`);
  }
  return [...digests];
}

export async function listImages(call: Call): Promise<void> {
  const q = pickQuery(call, ['all', 'filters', 'digests', 'shared-size']);
  const filters = parseFilters(q.filters);
  for (const key of Object.keys(filters)) if (!['reference', 'dangling', 'label', 'before', 'since'].includes(key)) throw badRequest(`invalid filter '${key}'`);
  let rows = await Promise.all((await ownImages(call.engine, call.tenant)).map(async (image) => presentImage(call.tenant, image, await labRegistryDigests(call, image))));
  if (filters.dangling?.includes('true')) rows = [];
  if (filters.reference) {
    // A tag is a colon after the last slash: `localhost:5000/app` names a repository, not a tag.
    const patterns = filters.reference.map((pattern) => globToRegex(pattern.lastIndexOf(':') > pattern.lastIndexOf('/') ? pattern : `${pattern}:*`));
    rows = rows
      .map((row) => ({ ...row, RepoTags: (row.RepoTags as string[]).filter((tag) => patterns.some((p) => p.test(tag))) }))
      .filter((row) => row.RepoTags.length > 0);
  }
  if (filters.label) rows = rows.filter((row) => filters.label!.every((l) => matchesLabel(row.Labels as Record<string, string> | undefined, l)));
  sendJson(call.res, 200, rows);
}

const globToRegex = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
function matchesLabel(labels: Record<string, string> | undefined, filter: string): boolean {
  const [key, value] = filter.split('=');
  return labels?.[key!] !== undefined && (value === undefined || labels[key!] === value);
}

export async function inspectImage(call: Call): Promise<void> {
  pickQuery(call, []);
  const { engineRef } = await resolveImage(call.engine, call.tenant, call.params[0]!);
  const image = await call.engine.json<Record<string, unknown>>('GET', `/images/${imagePath(engineRef)}/json`);
  sendJson(call.res, 200, presentImage(call.tenant, image, await labRegistryDigests(call, image)));
}

export async function imageHistory(call: Call): Promise<void> {
  pickQuery(call, []);
  const { engineRef } = await resolveImage(call.engine, call.tenant, call.params[0]!);
  const rows = await call.engine.json<Array<Record<string, unknown>>>('GET', `/images/${imagePath(engineRef)}/history`);
  sendJson(
    call.res,
    200,
    rows.map((row) => ({ ...row, Tags: ((row.Tags as string[] | null) ?? []).map((t) => unalias(call.tenant, t)).filter(Boolean), CreatedBy: String(row.CreatedBy ?? '').replace(/ \|\d+ LAB_OWNER=\S+/, '') })),
  );
}

async function countTags(call: Call): Promise<number> {
  const prefix = aliasPrefix(call.tenant);
  return (await ownImages(call.engine, call.tenant)).reduce((n, image) => n + (image.RepoTags ?? []).filter((t) => t.startsWith(prefix)).length, 0);
}

/** Tags the engine image `source` as the learner's `repo:tag`. */
export async function tagInto(call: Call, source: string, repo: string, tag: string | undefined): Promise<string> {
  const ref = parseImageRef(`${repo}:${tag || 'latest'}`);
  refuseAliasSpace(ref);
  if ((await countTags(call)) >= QUOTAS.imageTags) throw policy(`you already have ${QUOTAS.imageTags} image tags, the most the lab allows; remove some with docker rmi`);
  const alias = aliasOf(call.tenant, ref);
  const colon = alias.lastIndexOf(':');
  await call.engine.json('POST', `/images/${imagePath(source)}/tag${encodeQuery({ repo: alias.slice(0, colon), tag: alias.slice(colon + 1) })}`);
  return familiar(ref);
}

export async function tagImage(call: Call): Promise<void> {
  const q = pickQuery(call, ['repo', 'tag']);
  if (!q.repo) throw badRequest('repository name is required');
  const { id } = await resolveImage(call.engine, call.tenant, call.params[0]!);
  await tagInto(call, id, q.repo, q.tag);
  call.res.writeHead(201, { 'Content-Length': 0 }).end();
}

/** `docker rmi`: only the learner's tags are removed; a shared image's data stays for others. */
export async function removeImage(call: Call): Promise<void> {
  const q = pickQuery(call, ['force', 'noprune']);
  const ref = call.params[0]!;
  const { engineRef, id } = await resolveImage(call.engine, call.tenant, ref);
  const prefix = aliasPrefix(call.tenant);
  const tags = engineRef.startsWith(prefix) ? [engineRef] : ((await ownImages(call.engine, call.tenant)).find((image) => image.Id === id)?.RepoTags ?? []).filter((t) => t.startsWith(prefix));
  const forced = q.force === '1' || q.force === 'true';
  if (!engineRef.startsWith(prefix) && tags.length > 1 && !forced) {
    throw new ProxyError(409, `conflict: unable to delete ${ref} (must be forced) - image is referenced in multiple repositories`);
  }
  if (!forced) await refuseLastTagInUse(call, ref, id, tags);
  const report: Array<Record<string, string>> = [];
  for (const tag of tags) {
    const answer = await call.engine.json<Array<Record<string, string>>>('DELETE', `/images/${imagePath(tag)}${encodeQuery({ force: q.force, noprune: q.noprune })}`);
    for (const line of answer ?? []) {
      if (line.Untagged) {
        const shown = unalias(call.tenant, line.Untagged);
        if (shown) report.push({ Untagged: shown });
      } else if (line.Deleted) report.push({ Deleted: line.Deleted });
    }
  }
  sendJson(call.res, 200, report);
}

/**
 * As the engine does: removing the last name of an image that a container (even a stopped one)
 * was created from needs `-f`. The shared engine would merely untag the learner's alias, since the
 * catalog image keeps other names, so the learner's own view is checked here.
 */
async function refuseLastTagInUse(call: Call, ref: string, id: string, removing: string[]): Promise<void> {
  const prefix = aliasPrefix(call.tenant);
  const own = ((await ownImages(call.engine, call.tenant)).find((image) => image.Id === id)?.RepoTags ?? []).filter((t) => t.startsWith(prefix));
  if (own.some((tag) => !removing.includes(tag))) return;
  const user = (await ownContainers(call.engine, call.tenant)).find((container) => container.ImageID === id);
  if (!user) return;
  throw new ProxyError(409, `conflict: unable to remove repository reference "${ref}" (must force) - container ${user.Id.slice(0, 12)} is using its referenced image ${id.replace(/^sha256:/, '').slice(0, 12)}`);
}

/**
 * `docker pull` with no registry to reach: the offline catalog is the registry. The image is
 * tagged into the learner's namespace, with progress lines shaped like a real pull.
 */
export async function createImage(call: Call): Promise<void> {
  const q = pickQuery(call, ['fromImage', 'tag', 'platform', 'fromSrc', 'repo', 'message', 'changes']);
  if (q.fromSrc !== undefined) {
    await importImage(call, q);
    return;
  }
  if (!q.fromImage) throw badRequest('fromImage is required');
  const wanted = parseImageRef(q.tag ? `${q.fromImage}:${q.tag}` : q.fromImage.includes(':') || q.fromImage.includes('@') ? q.fromImage : `${q.fromImage}:latest`);
  refuseAliasSpace(wanted);
  if (isLabRegistry(wanted.domain)) {
    await pullFromLabRegistry(call, wanted);
    return;
  }
  const catalogTag = pullableTags().get(familiar(wanted));
  if (!catalogTag || wanted.digest) {
    const offline = [...pullableTags().keys()].join(', ');
    throw notFound(`pull access denied for ${familiar(wanted, false)}: the lab has no internet access; images available offline: ${offline}`);
  }
  const shown = await tagInto(call, catalogTag, familiar(wanted, false), wanted.tag);
  const image = await call.engine.json<{ Id: string }>('GET', `/images/${imagePath(catalogTag)}/json`);
  const lines = [
    { status: `Pulling from ${wanted.path}`, id: wanted.tag },
    { status: `Digest: ${image.Id}` },
    { status: `Status: Downloaded newer image for ${shown}` },
  ];
  call.res.writeHead(200, { 'Content-Type': 'application/json' });
  call.res.end(lines.map((l) => JSON.stringify(l)).join('\r\n') + '\r\n');
}

/** `docker import -` (a tarball from the learner); URLs are refused: the lab fetches nothing for anyone. */
async function importImage(call: Call, q: Record<string, string>): Promise<void> {
  if (q.fromSrc !== '-') throw policy('docker import from a URL is not allowed in the lab (download the file first, then import it from stdin)');
  const forward: Record<string, string | undefined> = { fromSrc: '-', message: q.message, changes: q.changes };
  if (q.repo) {
    const ref = parseImageRef(q.tag ? `${q.repo}:${q.tag}` : q.repo);
    refuseAliasSpace(ref);
    const alias = aliasOf(call.tenant, ref);
    const colon = alias.lastIndexOf(':');
    forward.repo = alias.slice(0, colon);
    forward.tag = alias.slice(colon + 1);
  }
  await relay(call, await call.engine.request('POST', `/images/create${encodeQuery(forward)}`, { body: call.req, headers: { 'Content-Type': 'application/x-tar' } }), (line) => line);
}

export async function searchImages(call: Call): Promise<void> {
  const q = pickQuery(call, ['term', 'limit', 'filters']);
  const term = (q.term ?? '').toLowerCase();
  const names = new Set([...pullableTags().keys()].map((tag) => tag.slice(0, tag.lastIndexOf(':'))));
  const rows = [...names]
    .filter((name) => name.includes(term))
    .map((name) => ({ name, description: `${name} (offline copy in the lab's catalog)`, star_count: 0, is_official: !name.includes('/'), is_automated: false }));
  sendJson(call.res, 200, rows.slice(0, Number(q.limit) || 25));
}

/** `docker save`: only images the learner can see, with their tags as the learner knows them. */
export async function saveImages(call: Call): Promise<void> {
  const names = call.params[0] ? [call.params[0]] : [];
  const q = pickQuery(call, call.params[0] ? [] : ['names']);
  if (q.names) names.push(q.names);
  if (names.length === 0) throw badRequest('no images to save');
  const refs = await Promise.all(names.map(async (name) => (await resolveImage(call.engine, call.tenant, name)).engineRef));
  const answer = await call.engine.request('GET', `/images/get${encodeQuery({ names: refs[0]! })}`);
  if (answer.status >= 400) {
    await relay(call, answer);
    return;
  }
  call.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  await pipeline(retagImageTarball(answer.stream, (tag) => unalias(call.tenant, tag)), call.res).catch(() => call.res.destroy());
}

/** `docker load`: every tag in the tarball lands in the learner's namespace; shared tags stay untouched. */
export async function loadImages(call: Call): Promise<void> {
  pickQuery(call, ['quiet']);
  const retagged = retagImageTarball(call.req, (tag) => {
    const ref = parseImageRef(tag);
    refuseAliasSpace(ref);
    return aliasOf(call.tenant, ref);
  });
  const answer = await call.engine.request('POST', `/images/load${encodeQuery({ quiet: '1' })}`, { body: retagged, headers: { 'Content-Type': 'application/x-tar' } });
  await relay(call, answer, (line) => line);
}

export async function pruneImages(call: Call): Promise<void> {
  pickQuery(call, ['filters']);
  sendJson(call.res, 200, { ImagesDeleted: [], SpaceReclaimed: 0 });
}


/** Progress lines from the engine, with the lab registry's real address shown as localhost:5000. */
function registryProgress(call: Call, address: string) {
  const real = `${address}/${call.tenant.ns}/`;
  return (line: Record<string, unknown>) => JSON.parse(JSON.stringify(line).split(real).join(`${LAB_REGISTRY}/`)) as Record<string, unknown>;
}

/** `docker pull localhost:5000/x`: from the learner's namespace in the lab registry. */
async function pullFromLabRegistry(call: Call, wanted: ImageRef): Promise<void> {
  const repo = await call.hooks.registry.engineRepo(call.tenant.ns, wanted);
  const address = repo.slice(0, repo.indexOf('/'));
  const answer = await call.engine.request('POST', `/images/create${encodeQuery({ fromImage: repo, tag: wanted.tag })}`);
  await relayThen(call, answer, registryProgress(call, address), async () => {
    await tagInto(call, `${repo}:${wanted.tag}`, familiar(wanted, false), wanted.tag);
    (await call.engine.request('DELETE', `/images/${imagePath(`${repo}:${wanted.tag}`)}`)).stream.resume();
  });
}

/** `docker push localhost:5000/x`: the learner's own image, into their namespace of the lab registry. */
export async function pushImage(call: Call): Promise<void> {
  const q = pickQuery(call, ['tag']);
  const name = call.params[0]!;
  const ref = parseImageRef(q.tag ? `${name}:${q.tag}` : name);
  if (!isLabRegistry(ref.domain)) throw policy(`the lab has no internet access; push to the lab's registry instead: docker tag ${familiar(ref, false).split('/').pop()} ${LAB_REGISTRY}/${ref.path.split('/').pop()} && docker push ${LAB_REGISTRY}/${ref.path.split('/').pop()}`);
  const { id } = await resolveImage(call.engine, call.tenant, familiar(ref));
  const repo = await call.hooks.registry.engineRepo(call.tenant.ns, ref);
  const address = repo.slice(0, repo.indexOf('/'));
  await call.engine.json('POST', `/images/${imagePath(id)}/tag${encodeQuery({ repo, tag: ref.tag })}`);
  const answer = await call.engine.request('POST', `/images/${imagePath(repo)}/push${encodeQuery({ tag: ref.tag })}`, { headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64') } });
  await relayThen(call, answer, registryProgress(call, address), async () => {
    (await call.engine.request('DELETE', `/images/${imagePath(`${repo}:${ref.tag}`)}?noprune=1`)).stream.resume();
  });
}

/** Relays a progress stream, then runs `after` (tag clean-up) even when the learner hung up. */
async function relayThen(call: Call, answer: Awaited<ReturnType<Call['engine']['request']>>, transform: (line: Record<string, unknown>) => Record<string, unknown>, after: () => Promise<void>): Promise<void> {
  try {
    await relay(call, answer, transform);
  } finally {
    await after().catch(() => undefined);
  }
}

/** `docker login`: the lab registry accepts any credentials, like a registry without auth; others are unreachable. */
export async function login(call: Call): Promise<void> {
  pickQuery(call, []);
  const body = await readJsonBody(call);
  const server = isObject(body) ? String(body.serveraddress ?? body.ServerAddress ?? '') : '';
  const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (!isLabRegistry(host)) throw policy(`the lab has no internet access; log in to the lab's registry instead: docker login ${LAB_REGISTRY}`);
  await call.hooks.registry.ensure();
  sendJson(call.res, 200, { Status: 'Login Succeeded', IdentityToken: '' });
}
