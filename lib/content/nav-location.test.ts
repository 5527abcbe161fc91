import { describe, expect, it } from 'vitest';
import { findNavLocation, type NavSection } from './nav';

const nav: NavSection[] = [
  { title: 'A', items: [{ slug: 'one', title: 'One', chapter: 1 }] },
  { title: 'B', items: [{ slug: 'two', title: 'Two', chapter: 2 }, { slug: 'deep/three', title: 'Three' }] },
];

describe('findNavLocation', () => {
  it('finds the section and entry of a page', () => {
    expect(findNavLocation('two', nav)).toEqual({ section: nav[1], item: nav[1]!.items[0] });
    expect(findNavLocation('deep/three', nav)?.section.title).toBe('B');
  });

  it('is undefined for pages outside the nav', () => {
    expect(findNavLocation('missing', nav)).toBeUndefined();
  });

  it('knows where the real chapters live', () => {
    expect(findNavLocation('resource-limits')?.section.title).toBe('Data, networks and limits');
  });
});
