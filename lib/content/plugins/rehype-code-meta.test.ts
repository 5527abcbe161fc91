import type { Element, Root } from 'hast';
import { describe, expect, it } from 'vitest';
import { rehypeCodeMetaAttach } from './rehype-code-meta-attach';
import { rehypeCodeMetaCapture } from './rehype-code-meta-capture';

/** A fenced block as mdast-util-to-hast produces it: `pre > code.language-x`, meta in `code.data`. */
function fence(lang: string | undefined, meta: string | undefined, text: string): Element {
  return {
    type: 'element',
    tagName: 'pre',
    properties: {},
    position: { start: { line: 12, column: 1, offset: 200 }, end: { line: 15, column: 4, offset: 260 } },
    children: [
      {
        type: 'element',
        tagName: 'code',
        properties: lang ? { className: [`language-${lang}`] } : {},
        data: meta === undefined ? undefined : ({ meta } as Element['data']),
        children: [{ type: 'text', value: text }],
      },
    ],
  };
}

const file = {
  fail(reason: string, place?: Element['position']): never {
    throw new Error(`${place?.start.line}:${place?.start.column}: ${reason}`);
  },
};

function capture(...blocks: Element[]): Root {
  const tree: Root = { type: 'root', children: blocks };
  rehypeCodeMetaCapture()(tree, file);
  return tree;
}

describe('rehypeCodeMetaCapture', () => {
  it('puts run, terminal and raw text on the <pre> of a `bash run term=2` fence', () => {
    const tree = capture(fence('bash', 'run term=2', 'docker logs -f web\n'));
    const pre = tree.children[0] as Element;
    expect(pre.properties).toEqual({
      'data-block': '0',
      'data-raw': 'docker logs -f web',
      'data-run': '',
      'data-term': '2',
      'data-copy': '',
    });
    const code = pre.children[0] as Element;
    expect(code.data).toMatchObject({ meta: '' }); // our options are consumed
  });

  it('marks interrupt, output, and numbers blocks in page order', () => {
    const tree = capture(fence('sh', 'run interrupt', 'docker ps'), fence('text', 'output', 'CONTAINER ID\n'));
    const [run, output] = tree.children as Element[];
    expect(run?.properties).toMatchObject({ 'data-block': '0', 'data-interrupt': '', 'data-run': '' });
    expect((run?.children[0] as Element).properties.className).toEqual(['language-bash']); // alias normalised
    expect(output?.properties).toEqual({ 'data-block': '1', 'data-raw': 'CONTAINER ID', 'data-output': '' });
  });

  it('passes rehype-pretty-code options through', () => {
    const tree = capture(fence('yaml', 'title="compose.yaml" {2}', 'services:\n'));
    const code = (tree.children[0] as Element).children[0] as Element;
    expect(code.data).toMatchObject({ meta: 'title="compose.yaml" {2}' });
  });

  it.each([
    [undefined, undefined, /12:1: code fence needs a language/],
    ['bahs', undefined, /12:1: unknown code fence language "bahs"/],
    ['yaml', 'run', /12:1: only shell blocks can "run"/],
    ['bash', 'rnu', /12:1: unknown code fence option "rnu"/],
  ])('fails with the fence position for lang=%s meta=%s', (lang, meta, message) => {
    expect(() => capture(fence(lang, meta, 'x'))).toThrow(message);
  });
});

describe('rehypeCodeMetaAttach', () => {
  /** The shape rehype-pretty-code leaves behind: our attributes on the figure, a new <pre> inside. */
  function prettyCodeOutput(properties: Element['properties'], lines: string[]): Root {
    return {
      type: 'root',
      children: [
        {
          type: 'element',
          tagName: 'figure',
          properties: { 'data-rehype-pretty-code-figure': '', ...properties },
          children: [
            {
              type: 'element',
              tagName: 'pre',
              properties: { 'data-language': 'bash' },
              children: [
                {
                  type: 'element',
                  tagName: 'code',
                  properties: {},
                  children: lines.map((line) => ({
                    type: 'element' as const,
                    tagName: 'span',
                    properties: { 'data-line': '' },
                    children: [{ type: 'text' as const, value: line }],
                  })),
                },
              ],
            },
          ],
        },
      ],
    };
  }

  it('moves the attributes from the figure to its <pre> and marks command lines', () => {
    const lines = ['docker run -d \\', '  --name web httpd', 'docker ps'];
    const tree = prettyCodeOutput(
      { 'data-block': '3', 'data-raw': lines.join('\n'), 'data-run': '', 'data-term': '2', 'data-copy': '' },
      lines,
    );
    rehypeCodeMetaAttach()(tree);
    const figure = tree.children[0] as Element;
    const pre = figure.children[0] as Element;
    expect(figure.properties).toEqual({ 'data-rehype-pretty-code-figure': '' });
    expect(pre.properties).toEqual({
      'data-language': 'bash',
      'data-block': '3',
      'data-raw': lines.join('\n'),
      'data-run': '',
      'data-term': '2',
      'data-copy': '',
    });
    const spans = (pre.children[0] as Element).children as Element[];
    expect(spans.map((span) => 'data-prompt' in span.properties)).toEqual([true, false, true]);
  });

  it('draws no prompt in output blocks or when the author wrote one', () => {
    const output = prettyCodeOutput({ 'data-raw': 'hello', 'data-output': '' }, ['hello']);
    const prompted = prettyCodeOutput({ 'data-raw': '$ docker ps', 'data-copy': '' }, ['$ docker ps']);
    for (const tree of [output, prompted]) {
      rehypeCodeMetaAttach()(tree);
      const span = (((tree.children[0] as Element).children[0] as Element).children[0] as Element)
        .children[0] as Element;
      expect(span.properties).not.toHaveProperty('data-prompt');
    }
  });
});
