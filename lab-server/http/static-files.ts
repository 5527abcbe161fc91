import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Pagefind names its index, fragments and wasm by content hash; only the entry points
 * (pagefind.js, pagefind-entry.json, the UI files) keep fixed names and change on a rebuild.
 */
export function cacheControlFor(relative: string): string {
  const base = path.posix.basename(relative);
  const hashed = /^(fragment|index|filter)\//.test(relative) || /\.pf_[a-z]+$/.test(base) || /\.[a-z0-9]{8,}\.[a-z]+$/i.test(base);
  return hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=3600';
}

/**
 * The file a URL path names inside `root`, or undefined if it names none: `..` segments,
 * encoded slashes or backslashes, NUL bytes and malformed escapes are all refused.
 */
export function resolveStaticPath(root: string, prefix: string, pathname: string): { file: string; relative: string } | undefined {
  if (!pathname.startsWith(prefix)) return undefined;
  const encoded = pathname.slice(prefix.length);
  if (!encoded || /%2f|%5c|%00/i.test(encoded)) return undefined;
  let relative: string;
  try {
    relative = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  if (relative.includes('\0') || relative.includes('\\')) return undefined;
  const segments = relative.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.' || segment === '')) return undefined;
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  if (!file.startsWith(base + path.sep)) return undefined;
  return { file, relative: segments.join('/') };
}

/**
 * Serves the files under `root` at `prefix` (GET and HEAD only). Resolves true when it answered,
 * which is always for paths under the prefix: a missing file is a 404 here, never Next's page.
 */
export function createStaticHandler(root: string, prefix: string) {
  return async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    if (!pathname.startsWith(prefix)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed');
      return true;
    }
    const target = resolveStaticPath(root, prefix, pathname);
    const notFound = () => res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('Not found');
    if (!target) {
      notFound();
      return true;
    }
    // Symlinks must not lead out of the root either.
    const [realRoot, realFile] = await Promise.all([realpath(root).catch(() => undefined), realpath(target.file).catch(() => undefined)]);
    const info = realFile ? await stat(realFile).catch(() => undefined) : undefined;
    if (!realRoot || !realFile || !info?.isFile() || !realFile.startsWith(realRoot + path.sep)) {
      notFound();
      return true;
    }
    res.writeHead(200, {
      'content-type': contentTypeFor(realFile),
      'content-length': info.size,
      'cache-control': cacheControlFor(target.relative),
      'last-modified': info.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(realFile);
      stream.on('error', reject);
      res.on('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
    return true;
  };
}
