import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControlFor, contentTypeFor, createStaticHandler, resolveStaticPath } from './static-files';

describe('resolveStaticPath', () => {
  const root = '/srv/pagefind';
  it('maps paths under the prefix to files under the root', () => {
    expect(resolveStaticPath(root, '/pagefind/', '/pagefind/pagefind.js')).toEqual({ file: '/srv/pagefind/pagefind.js', relative: 'pagefind.js' });
    expect(resolveStaticPath(root, '/pagefind/', '/pagefind/fragment/en_1a2b.pf_fragment')?.file).toBe('/srv/pagefind/fragment/en_1a2b.pf_fragment');
  });

  it('refuses traversal and odd encodings', () => {
    for (const bad of [
      '/pagefind/../secret',
      '/pagefind/%2e%2e/secret',
      '/pagefind/a/%2e%2e/%2e%2e/secret',
      '/pagefind/..%2fsecret',
      '/pagefind/a%5c..%5c..%5csecret',
      '/pagefind/%00',
      '/pagefind/%E0%A4%A',
      '/pagefind/',
      '/pagefind//etc/passwd',
      '/pagefind/./pagefind.js',
      '/other/pagefind.js',
    ]) {
      expect(resolveStaticPath(root, '/pagefind/', bad), bad).toBeUndefined();
    }
  });
});

describe('content types and caching', () => {
  it('knows the types Pagefind serves', () => {
    expect(contentTypeFor('pagefind.js')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('wasm.en.pagefind')).toBe('application/octet-stream');
    expect(contentTypeFor('pagefind-entry.json')).toMatch(/^application\/json/);
    expect(contentTypeFor('x.wasm')).toBe('application/wasm');
    expect(contentTypeFor('pagefind-ui.css')).toMatch(/^text\/css/);
  });

  it('caches hashed files for a year and entry points briefly', () => {
    expect(cacheControlFor('fragment/en_abc123.pf_fragment')).toContain('immutable');
    expect(cacheControlFor('index/en_abc.pf_index')).toContain('immutable');
    expect(cacheControlFor('pagefind.js')).toBe('public, max-age=3600');
  });
});

describe('createStaticHandler', () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'static-'));
    await mkdir(path.join(dir, 'root', 'fragment'), { recursive: true });
    await writeFile(path.join(dir, 'root', 'pagefind.js'), 'export const x = 1;');
    await writeFile(path.join(dir, 'root', 'fragment', 'en_1.pf_fragment'), 'frag');
    await writeFile(path.join(dir, 'secret.txt'), 'secret');
    await symlink(path.join(dir, 'secret.txt'), path.join(dir, 'root', 'link.js'));
    const serve = createStaticHandler(path.join(dir, 'root'), '/pagefind/');
    server = createServer((req, res) => {
      const pathname = (req.url ?? '/').split('?')[0]!;
      void serve(req, res, pathname).then((handled) => {
        if (!handled) res.writeHead(418).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves files with type, length and cache headers', async () => {
    const res = await fetch(`${base}/pagefind/pagefind.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('content-length')).toBe('19');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await res.text()).toBe('export const x = 1;');
    const fragment = await fetch(`${base}/pagefind/fragment/en_1.pf_fragment`);
    expect(fragment.headers.get('cache-control')).toContain('immutable');
  });

  it('answers 404 for missing files, traversal and symlinks out of the root', async () => {
    expect((await fetch(`${base}/pagefind/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/pagefind/..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/pagefind/link.js`)).status).toBe(404);
    expect((await fetch(`${base}/pagefind/fragment`)).status).toBe(404);
  });

  it('allows only GET and HEAD, and leaves other paths alone', async () => {
    expect((await fetch(`${base}/pagefind/pagefind.js`, { method: 'POST' })).status).toBe(405);
    const head = await fetch(`${base}/pagefind/pagefind.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(418);
  });
});
