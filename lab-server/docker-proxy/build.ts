import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { type Call, pickQuery, relay } from './call';
import { engineMessage, readAll } from './engine';
import { badRequest, policy, ProxyError } from './errors';
import { aliasOf, familiar, parseImageRef, pullableTags, refuseAliasSpace } from './image-refs';
import { CONTAINER_LIMITS } from './limits';
import { encodeQuery } from './request-line';
import { resolveImage } from './resolve';
import { checkUserLabels, type Tenant } from './tenant';
import { parseStrictJson } from './strict-json';
import type { Engine } from './engine';

const MAX_CONTEXT = 200 * 1024 * 1024;

/**
 * An image named in a Dockerfile → what the engine should use: the learner's own tag, or a
 * catalog image (shared, read-only). Anything else is what a real host without internet says.
 */
async function baseImage(engine: Engine, tenant: Tenant, ref: string): Promise<string> {
  if (ref.includes('$')) throw policy(`variables in FROM and --from are not supported in the lab: ${ref}`);
  const parsed = parseImageRef(ref);
  refuseAliasSpace(parsed);
  try {
    return (await resolveImage(engine, tenant, ref)).engineRef;
  } catch (error) {
    if (!(error instanceof ProxyError) || error.status !== 404) throw error;
  }
  const catalogTag = pullableTags().get(familiar(parsed));
  if (catalogTag && !parsed.digest) return catalogTag;
  throw new ProxyError(404, `pull access denied for ${familiar(parsed, false)}: the lab has no internet access; images available offline: ${[...pullableTags().keys()].join(', ')}`);
}

/** Points every FROM and COPY --from at images this learner may use; stage names pass as they are. */
export async function rewriteDockerfile(engine: Engine, tenant: Tenant, text: string): Promise<string> {
  const stages = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Build containers carry the image's labels: the lab's own keys must not be set from a Dockerfile.
    if (/^\s*(LABEL|ONBUILD)\b.*\blab\./i.test(line)) throw policy('labels starting with "lab." are reserved for the lab');
    const from = /^(\s*FROM\s+)((?:--\S+\s+)*)(\S+)(.*)$/i.exec(line);
    if (from) {
      const [, head, flags, image, tail] = from as unknown as [string, string, string, string, string];
      if (/--platform/i.test(flags) && flags.includes('$')) throw policy('variables in FROM are not supported in the lab');
      const isStage = stages.has(image.toLowerCase()) || image.toLowerCase() === 'scratch';
      const target = isStage ? image : await baseImage(engine, tenant, image);
      const alias = /^\s+AS\s+(\S+)/i.exec(tail);
      if (alias) stages.add(alias[1]!.toLowerCase());
      lines[i] = `${head}${flags}${target}${tail}`;
      continue;
    }
    const copyFrom = /^(\s*COPY\s+(?:--\S+\s+)*--from=)(\S+)(.*)$/i.exec(line);
    if (copyFrom) {
      const [, head, source, tail] = copyFrom as unknown as [string, string, string, string];
      const isStage = stages.has(source.toLowerCase()) || /^\d+$/.test(source);
      lines[i] = `${head}${isStage ? source : await baseImage(engine, tenant, source)}${tail}`;
    }
  }
  return lines.join('\n');
}

/** Rewrites the Dockerfile inside the build context tarball; every other entry passes unchanged. */
async function rewriteContext(engine: Engine, tenant: Tenant, body: Buffer, dockerfile: string): Promise<Buffer> {
  if (body[0] === 0x1f && body[1] === 0x8b) throw policy('compressed build contexts are not supported in the lab (drop --compress)');
  const extract = tar.extract();
  const pack = tar.pack();
  const out = readAll(pack, MAX_CONTEXT);
  let found = false;
  const wanted = dockerfile.replace(/^\.\//, '');
  extract.on('entry', (header, stream, next) => {
    const name = header.name.replace(/^\.\//, '');
    if (name === wanted && header.type === 'file') {
      found = true;
      readAll(stream, 1 << 20)
        .then((content) => rewriteDockerfile(engine, tenant, content.toString('utf8')))
        .then((text) => {
          const data = Buffer.from(text);
          pack.entry({ ...header, size: data.length }, data, next);
        })
        .catch((error: unknown) => extract.destroy(error as Error));
      return;
    }
    stream.pipe(pack.entry(header, next));
  });
  const finished = new Promise<void>((resolve, reject) => {
    extract.on('finish', () => {
      pack.finalize();
      resolve();
    });
    // A policy refusal from the Dockerfile passes as it is; anything else is a context that is not a tar (client garbage: a 400, not a 500).
    extract.on('error', (error) => reject(error instanceof ProxyError ? error : badRequest(`the build context is not a valid tar archive (${error.message})`)));
  });
  const input = new PassThrough();
  input.end(body);
  input.pipe(extract);
  await finished;
  if (!found) throw new ProxyError(400, `Cannot locate specified Dockerfile: ${dockerfile}`);
  return out;
}

/**
 * `docker build` on the classic builder: the context's Dockerfile is pointed at allowed images,
 * the result is tagged in the learner's namespace, and the build's containers get the lab's
 * memory and CPU limits on the learner's own network.
 */
export async function build(call: Call): Promise<void> {
  const q = pickQuery(call, ['dockerfile', 't', 'q', 'nocache', 'rm', 'forcerm', 'buildargs', 'labels', 'target', 'memory', 'memswap', 'cpushares', 'cpuquota', 'cpuperiod', 'cpusetcpus', 'shmsize', 'networkmode', 'platform', 'version', 'remote', 'extrahosts', 'cachefrom', 'pull', 'squash', 'session', 'buildid', 'outputs', 'cgroupparent', 'ulimits', 'isolation', 'cpusetmems']);
  if (q.cgroupparent || q.cpusetmems) throw policy('--cgroup-parent and --cpuset-mems are not allowed for builds in the lab');
  if (q.ulimits && q.ulimits !== '[]' && q.ulimits !== 'null') throw policy('--ulimit is not supported for builds in the lab');
  if (q.version && q.version !== '1') throw policy('BuildKit is not available in the lab; the classic builder is used (DOCKER_BUILDKIT=0)');
  if (q.remote) throw policy('building from a URL or Git repository is not allowed in the lab (clone or download first)');
  if (q.extrahosts) throw policy('--add-host is not allowed for builds in the lab');
  if (q.cachefrom && q.cachefrom !== '[]') throw policy('--cache-from is not supported in the lab');
  if (q.squash === '1' || q.squash === 'true') throw policy('--squash is not supported in the lab');
  if (q.networkmode && !['default', 'bridge', ''].includes(q.networkmode)) throw policy(`--network ${q.networkmode} is not allowed for builds in the lab`);
  if (q.labels) checkUserLabels(parseStrictJson(q.labels, 64 * 1024));
  if (q.buildargs && /\blab\./i.test(q.buildargs)) throw policy('build arguments mentioning "lab." are reserved for the lab');
  const memory = Math.min(Number(q.memory) || CONTAINER_LIMITS.defaultMemory, CONTAINER_LIMITS.maxMemory);
  const forward: Record<string, string | undefined> = {
    dockerfile: q.dockerfile,
    q: q.q,
    nocache: q.nocache,
    rm: '1',
    forcerm: '1',
    buildargs: q.buildargs,
    labels: q.labels,
    target: q.target,
    memory: String(memory),
    memswap: String(memory),
    cpuperiod: '100000',
    cpuquota: String(Math.round((CONTAINER_LIMITS.defaultNanoCpus / 1e9) * 100000)),
    networkmode: call.tenant.workspaceNetwork,
  };
  if (q.t) {
    const ref = parseImageRef(q.t);
    refuseAliasSpace(ref);
    forward.t = aliasOf(call.tenant, ref);
  }
  const declared = Number(call.req.headers['content-length'] ?? 0);
  if (declared > MAX_CONTEXT) throw badRequest(`build context larger than ${MAX_CONTEXT / 1024 / 1024} MiB`);
  const context = await readAll(call.req, MAX_CONTEXT).catch(() => {
    throw badRequest(`build context larger than ${MAX_CONTEXT / 1024 / 1024} MiB`);
  });
  const rewritten = await rewriteContext(call.engine, call.tenant, context, q.dockerfile || 'Dockerfile');
  const answer = await call.engine.request('POST', `/build${encodeQuery(forward)}`, { body: rewritten, headers: { 'Content-Type': 'application/x-tar' } });
  if (answer.status >= 400) throw new ProxyError(answer.status, engineMessage(await readAll(answer.stream as Readable)));
  await relay(call, answer, (line) => line);
}
