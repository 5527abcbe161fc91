import { describe, expect, it } from 'vitest';
import { findBrokenLinks, idsIn, linksIn, type RenderedPage } from './links';

function page(slug: string, html: string, source = html): RenderedPage {
  return { slug, file: `content/guide/${slug}.mdx`, source, html };
}

describe('linksIn / idsIn', () => {
  it('reads hrefs and ids as the browser would, entities decoded', () => {
    const html = '<h2 id="a-b">A</h2><p><a class="x" href="/guide/b?x=1&amp;y=2#c">b</a> <a href="#a-b">up</a></p>';
    expect(linksIn(html)).toEqual(['/guide/b?x=1&y=2#c', '#a-b']);
    expect([...idsIn(html)]).toEqual(['a-b']);
  });
});

describe('findBrokenLinks', () => {
  const networking = page('networking', '<h2 id="user-defined-networks">User-defined networks</h2>');

  it('accepts links to pages, to their headings, to this page and to the site', () => {
    const data = page(
      'data',
      '<h2 id="bind-mounts">Bind mounts</h2>' +
        '<a href="/guide/networking">n</a><a href="/guide/networking#user-defined-networks">u</a>' +
        '<a href="#bind-mounts">b</a><a href="/">home</a><a href="/lab">lab</a>' +
        '<a href="https://docs.docker.com/">docs</a>',
    );
    expect(findBrokenLinks([data, networking])).toEqual([]);
  });

  it('names the file, the line and the reason for each broken link', () => {
    const source = '---\ntitle: Data\n---\n\nSee [networks](/guide/networkin).\n\nAnd [here](/guide/networking#user-networks) and [up](#bind).\n';
    const data = page(
      'data',
      '<h2 id="bind-mounts">Bind mounts</h2><a href="/guide/networkin">networks</a>' +
        '<a href="/guide/networking#user-networks">here</a><a href="#bind">up</a><a href="networking">rel</a>',
      source,
    );
    expect(findBrokenLinks([data, networking])).toEqual([
      'content/guide/data.mdx:5: link "/guide/networkin" points to no guide page (there is no content/guide/networkin.mdx)',
      'content/guide/data.mdx:7: link "/guide/networking#user-networks" points to #user-networks, which is no heading or element id on /guide/networking',
      'content/guide/data.mdx:7: link "#bind" points to #bind, which is no heading or element id on this page',
      'content/guide/data.mdx: link "networking" is relative: write /guide/<slug> or #<heading-id>',
    ]);
  });

  it('refuses paths the site does not serve', () => {
    expect(findBrokenLinks([page('data', '<a href="/docs/intro">x</a>', '---\n---\n\n[x](/docs/intro)\n')])).toEqual([
      'content/guide/data.mdx:4: link "/docs/intro" points to no page of the site',
    ]);
  });
});
