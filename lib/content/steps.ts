import { readFileSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { z } from 'zod';
import { CONTENT_DIR } from './list';
import { flattenNav } from './nav';
import { frontmatterSchema, type Check } from './schema';

/**
 * The guide's checked steps, read from the MDX sources without compiling them: frontmatter
 * (gray-matter, the parser mdx-bundler uses) for the checks, and `<Step id="…" title="…">` in
 * page order for the titles. The lab server reads checks from here, never from the browser;
 * the /progress page lists the same steps.
 */
export interface GuideStep {
  id: string;
  title: string;
  check: Check;
}

export interface ChapterSteps {
  slug: string;
  title: string;
  chapter?: number;
  steps: GuideStep[];
}

const STEP_TAG = /<Step\s[^>]*?\bid="([^"]+)"[^>]*>/g;
const TITLE_ATTR = /\btitle="([^"]*)"/;

export function readChapterSteps(slug: string, source: string, file = `${slug}.mdx`): ChapterSteps {
  const { data, content } = matter(source);
  const parsed = frontmatterSchema.safeParse(data);
  if (!parsed.success) throw new Error(`${file}: invalid frontmatter\n${z.prettifyError(parsed.error)}`);
  const checks = parsed.data.checks ?? {};
  const steps: GuideStep[] = [];
  for (const match of content.matchAll(STEP_TAG)) {
    const id = match[1]!;
    const check = checks[id];
    if (!check) continue; // the docs tests' plan reports steps without checks
    steps.push({ id, title: TITLE_ATTR.exec(match[0])?.[1] ?? id, check });
  }
  return { slug, title: parsed.data.title, ...(parsed.data.chapter !== undefined ? { chapter: parsed.data.chapter } : {}), steps };
}

/** Every chapter of the guide's navigation with its checked steps, in reading order. */
export function readGuideSteps(contentDir: string = CONTENT_DIR): ChapterSteps[] {
  return flattenNav().map((item) => {
    const file = path.join(contentDir, 'guide', `${item.slug}.mdx`);
    return readChapterSteps(item.slug, readFileSync(file, 'utf8'), file);
  });
}
