import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { readAll } from './engine';
import { policy } from './errors';

type Rewrite = (content: Buffer) => Buffer | Promise<Buffer>;

/**
 * Streams a tarball through, rewriting the few small entries named in `rewrites` (image
 * manifests) and passing every other entry (layers) unchanged.
 */
export function rewriteTar(input: Readable, rewrites: Record<string, Rewrite>): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  extract.on('entry', (header, stream, next) => {
    const rewrite = rewrites[header.name.replace(/^\.\//, '')];
    if (!rewrite || header.type !== 'file') {
      stream.pipe(pack.entry(header, next));
      return;
    }
    readAll(stream, 4 << 20)
      .then(rewrite)
      .then((data) => pack.entry({ ...header, size: data.length }, data, next))
      .catch((error: unknown) => {
        extract.destroy(error as Error);
        pack.destroy(error as Error);
      });
  });
  extract.on('finish', () => pack.finalize());
  extract.on('error', (error) => pack.destroy(error));
  input.on('error', (error) => extract.destroy(error));
  input.pipe(extract);
  return pack as unknown as Readable;
}

interface ManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/** `manifest.json` and `repositories` of a `docker save` tarball, with every tag mapped. */
export function retagImageTarball(input: Readable, mapTag: (tag: string) => string | undefined): Readable {
  return rewriteTar(input, {
    'manifest.json': (content) => {
      let manifest: ManifestEntry[];
      try {
        manifest = JSON.parse(content.toString('utf8')) as ManifestEntry[];
      } catch {
        throw policy('the image tarball has an unreadable manifest.json');
      }
      if (!Array.isArray(manifest)) throw policy('the image tarball has an unreadable manifest.json');
      return Buffer.from(JSON.stringify(manifest.map((entry) => ({ ...entry, RepoTags: (entry.RepoTags ?? []).map(mapTag).filter((t): t is string => t !== undefined) }))));
    },
    repositories: (content) => {
      let repositories: Record<string, Record<string, string>>;
      try {
        repositories = JSON.parse(content.toString('utf8')) as Record<string, Record<string, string>>;
      } catch {
        throw policy('the image tarball has an unreadable repositories file');
      }
      const out: Record<string, Record<string, string>> = {};
      for (const [repo, tags] of Object.entries(repositories ?? {})) {
        for (const [tag, id] of Object.entries(tags ?? {})) {
          const mapped = mapTag(`${repo}:${tag}`);
          if (!mapped) continue;
          const colon = mapped.lastIndexOf(':');
          (out[mapped.slice(0, colon)] ??= {})[mapped.slice(colon + 1)] = id;
        }
      }
      return Buffer.from(JSON.stringify(out));
    },
  });
}
