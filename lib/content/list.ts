import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Root of all MDX content. Next runs builds and the server from the project root. */
export const CONTENT_DIR = path.join(process.cwd(), 'content');

/** A URL-safe path segment: lowercase words joined by dashes. Anything else is not a page. */
const SEGMENT = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Slugs of every `*.mdx` file under `dir`, as path segments without the extension
 * (`content/guide/basics/run.mdx` → `['basics', 'run']`), sorted for stable output.
 * Files whose names are not URL-safe are an error, not silently skipped.
 */
export async function listMdxSlugs(dir: string): Promise<string[][]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.endsWith('.mdx'))
    .map((entry) => {
      const slug = entry.slice(0, -'.mdx'.length).split(path.sep);
      const bad = slug.find((segment) => !SEGMENT.test(segment));
      if (bad !== undefined) {
        throw new Error(`${path.join(dir, entry)}: file and folder names must be kebab-case (got "${bad}")`);
      }
      return slug;
    })
    .sort((a, b) => a.join('/').localeCompare(b.join('/')));
}

/** The file for a slug, or undefined if the slug is not a well-formed page path. */
export function fileForSlug(dir: string, slug: readonly string[]): string | undefined {
  if (slug.length === 0 || !slug.every((segment) => SEGMENT.test(segment))) return undefined;
  return path.join(dir, ...slug) + '.mdx';
}
