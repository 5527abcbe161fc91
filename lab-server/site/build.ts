import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PreflightError, type Detail } from '../preflight/progress';

/** Everything that changes what `next build` produces. Tests and the lab server do not. */
const SITE_INPUTS = ['app', 'components', 'lib', 'content', 'public', 'next.config.ts', 'tsconfig.json', 'package-lock.json'];
const IGNORED = /(^|\/)(node_modules|\.next)(\/|$)|\.test\.tsx?$/;

async function listFiles(root: string, entry: string): Promise<string[]> {
  const full = path.join(root, entry);
  const info = await stat(full).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [entry];
  const children = await readdir(full, { recursive: true, withFileTypes: true });
  return children
    .filter((child) => child.isFile())
    .map((child) => path.relative(root, path.join(child.parentPath, child.name)))
    .filter((file) => !IGNORED.test(file));
}

/** A hash of the site's sources: when it matches the last build's, the build is skipped. */
export async function siteSourceHash(root: string): Promise<string> {
  const files = (await Promise.all(SITE_INPUTS.map((entry) => listFiles(root, entry)))).flat().sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0').update(await readFile(path.join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

const stampFile = (root: string) => path.join(root, '.next', 'lab-site-hash');

export async function ensureSiteBuilt(root: string, logDir: string, detail: Detail, options: { force?: boolean } = {}): Promise<'fresh' | 'built'> {
  const wanted = await siteSourceHash(root);
  const built = await readFile(stampFile(root), 'utf8').catch(() => '');
  const hasBuild = await stat(path.join(root, '.next', 'BUILD_ID')).then(() => true, () => false);
  if (!options.force && hasBuild && built.trim() === wanted) {
    detail('site unchanged since the last build');
    const hasIndex = await stat(path.join(root, SEARCH_INDEX_DIR, 'pagefind.js')).then(() => true, () => false);
    if (!hasIndex) await buildSearchIndex(root, logDir, detail);
    return 'fresh';
  }

  await mkdir(logDir, { recursive: true });
  const logPath = path.join(logDir, 'next-build.log');
  const log = createWriteStream(logPath);
  detail(`building the site with next build (log: ${path.relative(root, logPath)})`);
  const tail: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onChunk = (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        const trimmed = line.trimEnd();
        if (!trimmed) continue;
        tail.push(trimmed);
        if (tail.length > 30) tail.shift();
        if (/Compiled|Generating static pages|Finalizing|error/i.test(trimmed)) detail(trimmed.trim());
      }
    };
    child.stdout.on('data', onChunk);
    child.stderr.on('data', onChunk);
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  log.end();
  if (code !== 0) {
    const reason = tail.filter((line) => /error|failed|\.mdx?:\d+/i.test(line)).slice(-6).join('\n  ') || tail.slice(-6).join('\n  ');
    throw new PreflightError(`The site did not build:\n  ${reason}`, `Fix the error above, then start again (full log: ${logPath}).`);
  }
  await buildSearchIndex(root, logDir, detail);
  await writeFile(stampFile(root), wanted);
  return 'built';
}

/** Where Pagefind writes the search index; the lab server serves it at /pagefind/. */
export const SEARCH_INDEX_DIR = path.join('.next', 'pagefind');

/**
 * Indexes the prerendered guide pages (`.next/server/app/guide/**.html`) with Pagefind. Only
 * `data-pagefind-body` (the article) is indexed; `data-pagefind-ignore` parts are skipped.
 */
export async function buildSearchIndex(root: string, logDir: string, detail: Detail): Promise<void> {
  await mkdir(logDir, { recursive: true });
  const logPath = path.join(logDir, 'pagefind.log');
  detail('indexing the guide for search with pagefind');
  const bin = path.join(root, 'node_modules', 'pagefind', 'lib', 'runner', 'bin.cjs');
  const args = [bin, '--site', path.join('.next', 'server', 'app'), '--glob', 'guide/**/*.html', '--output-path', SEARCH_INDEX_DIR];
  const output: Buffer[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  const text = Buffer.concat(output).toString('utf8');
  await writeFile(logPath, text);
  const pages = /Indexed (\d+) pages?/.exec(text)?.[1];
  if (code !== 0 || pages === undefined || Number(pages) === 0) {
    throw new PreflightError(
      `The search index was not built (pagefind exited with ${code}${pages === undefined ? '' : `, ${pages} pages`}).`,
      `See ${logPath}; the guide pages must be prerendered and carry data-pagefind-body.`,
    );
  }
  detail(`search index: ${pages} pages`);
}
