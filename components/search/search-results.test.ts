import { describe, expect, it } from 'vitest';
import { excerptParts, isSearchShortcut, pageUrl } from './search-results';

describe('pageUrl', () => {
  it('turns indexed file paths into page URLs', () => {
    expect(pageUrl('/guide/resource-limits.html')).toBe('/guide/resource-limits');
    expect(pageUrl('/guide/hpc.html#apptainer')).toBe('/guide/hpc#apptainer');
    expect(pageUrl('guide/data')).toBe('/guide/data');
    expect(pageUrl('/index.html')).toBe('/');
  });
});

describe('excerptParts', () => {
  it('keeps marks and decodes entities, as text', () => {
    expect(excerptParts('use <mark>--cpu-shares</mark> &amp; friends')).toEqual([
      { text: 'use ', mark: false },
      { text: '--cpu-shares', mark: true },
      { text: ' & friends', mark: false },
    ]);
  });

  it('drops any other markup', () => {
    expect(excerptParts('<img src=x onerror=alert(1)>a &lt;b&gt;')).toEqual([{ text: 'a <b>', mark: false }]);
  });
});

describe('isSearchShortcut', () => {
  const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...mods,
  });
  const body = { tagName: 'BODY', closest: () => null };
  const input = { tagName: 'INPUT', closest: () => null };
  const terminal = { tagName: 'TEXTAREA', closest: () => ({}) };

  it('opens on Ctrl+K, Cmd+K and /', () => {
    expect(isSearchShortcut(key('k', { ctrlKey: true }), body)).toBe(true);
    expect(isSearchShortcut(key('K', { metaKey: true }), input)).toBe(true);
    expect(isSearchShortcut(key('/'), body)).toBe(true);
  });

  it('leaves typing and terminals alone', () => {
    expect(isSearchShortcut(key('/'), input)).toBe(false);
    expect(isSearchShortcut(key('k', { ctrlKey: true }), terminal)).toBe(false);
    expect(isSearchShortcut(key('k'), body)).toBe(false);
  });
});
