import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMdxFile } from './compile';
import { ContentError, displayPath } from './errors';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'compile-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function page(name: string, source: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, source);
  return file;
}

/** Renders a bundle to HTML with plain elements (JSX components become <section>), to see what the pipeline emits. */
function render(code: string): string {
  const { default: Content } = new Function('React', 'ReactDOM', '_jsx_runtime', code)(React, ReactDOM, jsxRuntime) as {
    default: React.ComponentType<{ components: Record<string, React.ElementType> }>;
  };
  const Wrapper = ({ children }: { children?: React.ReactNode }) => React.createElement('section', null, children);
  return renderToStaticMarkup(React.createElement(Content, { components: { Step: Wrapper, Callout: Wrapper } }));
}

const FRONTMATTER = '---\ntitle: Test page\ndescription: A page for tests.\n---\n';

describe('compileMdxFile', () => {
  it('compiles frontmatter, headings and highlighted, annotated code blocks', async () => {
    const file = await page(
      'good.mdx',
      `${FRONTMATTER}\n## Start a server\n\n\`\`\`bash run term=2\ndocker run -d --name web httpd\n\`\`\`\n\n\`\`\`text output\nc4a5ff6fd0c2\n\`\`\`\n`,
    );
    const result = await compileMdxFile(file);
    expect(result.frontmatter.title).toBe('Test page');
    expect(result.headings).toEqual([{ id: 'start-a-server', depth: 2, text: 'Start a server' }]);

    const html = render(result.code);
    expect(html).toContain('data-rehype-pretty-code-figure');
    expect(html).toMatch(/<pre[^>]*data-language="bash"[^>]*data-raw="docker run -d --name web httpd"[^>]*data-run=""/);
    expect(html).toMatch(/<pre[^>]*data-term="2"/);
    expect(html).toMatch(/<pre[^>]*data-output=""/);
    expect(html).toContain('--shiki-light:'); // highlighted with both themes
    expect(html).toContain('--shiki-dark:');
  });

  it('annotates code blocks and collects headings inside JSX components too', async () => {
    const file = await page(
      'nested.mdx',
      `${FRONTMATTER}\n<Step id="web" title="Web">\n\n### Inside\n\n\`\`\`bash run\ndocker ps\n\`\`\`\n\n</Step>\n`,
    );
    const result = await compileMdxFile(file);
    expect(result.headings).toEqual([{ id: 'inside', depth: 3, text: 'Inside' }]);
    expect(render(result.code)).toMatch(/<section>.*<pre[^>]*data-raw="docker ps"[^>]*data-run=""/s);
  });

  it('reports an MDX syntax error as file:line:column', async () => {
    const file = await page('braces.mdx', `${FRONTMATTER}\nSome prose.\n\nCheck it with {{.State.Running}} here.\n`);
    const error = await compileMdxFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContentError);
    // Line 8 of the file (frontmatter included); acorn stops at the `.` after `{{`, column 17.
    expect((error as ContentError).message).toBe(
      `${displayPath(file)}:8:17: Could not parse expression with acorn`,
    );
    expect((error as ContentError).line).toBe(8);
  });

  it('reports a bad code fence at its line', async () => {
    const file = await page('fence.mdx', `${FRONTMATTER}\nIntro.\n\n\`\`\`bash rnu\ndocker ps\n\`\`\`\n`);
    await expect(compileMdxFile(file)).rejects.toThrow(
      `${displayPath(file)}:8:1: unknown code fence option "rnu"`,
    );
  });

  it('reports invalid frontmatter with the file name', async () => {
    const file = await page('no-title.mdx', '---\ndescription: Missing a title.\n---\n\nHello.\n');
    await expect(compileMdxFile(file)).rejects.toThrow(/no-title\.mdx: invalid frontmatter\n[\s\S]*every page needs a title[\s\S]*at title/);
  });
});

describe('displayPath', () => {
  it('shows project files relative to the project root', () => {
    expect(displayPath(path.join(process.cwd(), 'content', 'guide', 'x.mdx'))).toBe('content/guide/x.mdx');
  });
});
