import path from 'node:path';
import { cache } from 'react';
import { compileMdxFile, type CompiledPage } from './compile';
import { CONTENT_DIR, fileForSlug, listMdxSlugs } from './list';

/**
 * Data access for the guide (`content/guide/**` → `/guide/**`). Pages call only this module.
 */
export const GUIDE_DIR = path.join(CONTENT_DIR, 'guide');

export function getGuideSlugs(): Promise<string[][]> {
  return listMdxSlugs(GUIDE_DIR);
}

/**
 * The compiled page for a slug, or null if there is no such page. Compile errors propagate
 * (they must fail the build, never turn into a 404). Deduplicated per render with React's
 * `cache`, so `generateMetadata` and the page share one compilation.
 */
export const getGuidePage = cache(async (slug: readonly string[]): Promise<CompiledPage | null> => {
  const key = slug.join('/');
  const known = (await getGuideSlugs()).some((candidate) => candidate.join('/') === key);
  const file = fileForSlug(GUIDE_DIR, slug);
  if (!known || !file) return null;
  return compileMdxFile(file);
});
