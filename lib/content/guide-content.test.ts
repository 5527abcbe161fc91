import { readFile } from 'node:fs/promises';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { MdxContent } from '@/components/mdx/mdx-content';
import { compileMdxFile, type CompiledPage } from './compile';
import { displayPath } from './errors';
import { GUIDE_DIR } from './guide';
import { findBrokenLinks, idsIn, type RenderedPage } from './links';
import { fileForSlug } from './list';
import { flattenNav } from './nav';

/**
 * Every chapter, compiled by the build's own pipeline and rendered with the components the
 * site uses: its frontmatter is complete, its steps and checks agree, and every internal link
 * and #anchor lands on a page and an element id that page really renders.
 */
interface Chapter extends RenderedPage {
  compiled: CompiledPage;
  chapter?: number;
}

const chapters: Chapter[] = [];

beforeAll(async () => {
  for (const item of flattenNav()) {
    const file = fileForSlug(GUIDE_DIR, item.slug.split('/'))!;
    const compiled = await compileMdxFile(file);
    chapters.push({
      slug: item.slug,
      file: displayPath(file),
      source: await readFile(file, 'utf8'),
      html: renderToStaticMarkup(createElement(MdxContent, { code: compiled.code })),
      compiled,
      chapter: item.chapter,
    });
  }
}, 60_000);

describe('the guide chapters', () => {
  it('all render', () => {
    expect(chapters.length).toBe(flattenNav().length);
    for (const chapter of chapters) expect(chapter.html.length, chapter.file).toBeGreaterThan(500);
  });

  it('each have a title, a one-sentence description and their chapter number', () => {
    for (const { file, compiled, chapter } of chapters) {
      const { title, description } = compiled.frontmatter;
      expect(title.length, `${file}: title`).toBeGreaterThan(2);
      expect(description, `${file}: description`).toMatch(/^[A-Z].{20,300}\.$/s);
      expect(compiled.frontmatter.chapter, `${file}: chapter`).toBe(chapter);
    }
  });

  it('declare a check for every step and a step for every check', () => {
    for (const { file, html, compiled } of chapters) {
      const steps = [...html.matchAll(/data-step-id="([^"]+)"/g)].map((match) => match[1]!);
      const checks = Object.keys(compiled.frontmatter.checks ?? {});
      expect(new Set(steps).size, `${file}: step ids are unique`).toBe(steps.length);
      expect(checks.sort(), `${file}: frontmatter checks vs <Step id>s`).toEqual([...steps].sort());
    }
  });

  it('render the heading ids of their table of contents', () => {
    for (const { file, html, compiled } of chapters) {
      const ids = idsIn(html);
      for (const heading of compiled.headings) expect(ids.has(heading.id), `${file}: #${heading.id}`).toBe(true);
    }
  });

  it('have no internal link or anchor that leads nowhere', () => {
    expect(findBrokenLinks(chapters)).toEqual([]);
  });
});
