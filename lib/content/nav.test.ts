import { describe, expect, it } from 'vitest';
import { compileMdxFile } from './compile';
import { GUIDE_DIR, getGuideSlugs } from './guide';
import { fileForSlug } from './list';
import { flattenNav, getPager, guideNav, type NavSection } from './nav';

describe('guide navigation', () => {
  it('lists every guide page exactly once, and nothing else', async () => {
    const pages = (await getGuideSlugs()).map((slug) => slug.join('/')).sort();
    const entries = flattenNav().map((item) => item.slug);
    expect(new Set(entries).size).toBe(entries.length);
    expect([...entries].sort()).toEqual(pages);
  });

  it('agrees with each page about its chapter number, and every page compiles', async () => {
    for (const item of flattenNav()) {
      const file = fileForSlug(GUIDE_DIR, item.slug.split('/'));
      expect(file, item.slug).toBeDefined();
      const { frontmatter } = await compileMdxFile(file!);
      expect(frontmatter.chapter, item.slug).toBe(item.chapter);
    }
  }, 60_000);

  it('derives previous and next across sections', () => {
    const nav: NavSection[] = [
      { title: 'A', items: [{ slug: 'one', title: 'One' }] },
      { title: 'B', items: [{ slug: 'two', title: 'Two' }, { slug: 'three', title: 'Three' }] },
    ];
    expect(getPager('one', nav)).toEqual({ prev: undefined, next: { slug: 'two', title: 'Two' } });
    expect(getPager('two', nav).prev?.slug).toBe('one');
    expect(getPager('three', nav).next).toBeUndefined();
    expect(getPager('missing', nav)).toEqual({});
    expect(guideNav.length).toBeGreaterThan(0);
  });
});
