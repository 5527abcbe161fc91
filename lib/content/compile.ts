import path from 'node:path';
import { bundleMDX } from 'mdx-bundler';
import rehypePrettyCode, { type Options as PrettyCodeOptions } from 'rehype-pretty-code';
import rehypeSlug from 'rehype-slug';
import remarkGfm from 'remark-gfm';
import { z } from 'zod';
import { ContentError, displayPath, toContentError } from './errors';
import { CODE_THEMES, getHighlighter } from './highlighter';
import { rehypeCodeMetaAttach } from './plugins/rehype-code-meta-attach';
import { rehypeCodeMetaCapture } from './plugins/rehype-code-meta-capture';
import { rehypeCollectHeadings, type Heading } from './plugins/rehype-collect-headings';
import { frontmatterSchema, type Frontmatter } from './schema';

export interface CompiledPage {
  /** mdx-bundler's function body; evaluate it with `components/mdx/mdx-content.tsx`. */
  code: string;
  frontmatter: Frontmatter;
  /** h2/h3 headings with the ids the page renders, for an on-page table of contents. */
  headings: Heading[];
  /** Absolute path of the source file. */
  file: string;
}

const prettyCode: PrettyCodeOptions = {
  theme: CODE_THEMES,
  // Colours come from the theme's CSS variables; the block background is ours (globals.css).
  keepBackground: false,
  getHighlighter: () => getHighlighter(),
};

/**
 * Compiles one MDX file into an mdx-bundler bundle. Runs at build time only (every guide page
 * is statically generated). Any problem — MDX syntax, a bad code fence, invalid frontmatter —
 * is thrown as a ContentError whose message starts with `content/…/page.mdx:line:column:`.
 */
export async function compileMdxFile(file: string): Promise<CompiledPage> {
  const cwd = path.dirname(file);
  const headings: Heading[] = [];

  let result;
  try {
    result = await bundleMDX({
      file,
      cwd,
      mdxOptions(options) {
        // Keep mdx-bundler's own frontmatter plugins: always extend, never replace.
        options.remarkPlugins = [...(options.remarkPlugins ?? []), remarkGfm];
        options.rehypePlugins = [
          ...(options.rehypePlugins ?? []),
          rehypeSlug,
          [rehypeCollectHeadings, { into: headings }],
          rehypeCodeMetaCapture,
          [rehypePrettyCode, prettyCode],
          rehypeCodeMetaAttach,
        ];
        return options;
      },
      esbuildOptions(options) {
        options.target = 'es2022';
        // We report errors ourselves, with file:line; esbuild's own stderr dump would duplicate them.
        options.logLevel = 'silent';
        return options;
      },
    });
  } catch (error) {
    throw toContentError(error, file, cwd);
  }

  const parsed = frontmatterSchema.safeParse(result.frontmatter);
  if (!parsed.success) {
    throw new ContentError(
      `${displayPath(file)}: invalid frontmatter\n${z.prettifyError(parsed.error)}`,
      file,
      undefined,
      undefined,
      { cause: parsed.error },
    );
  }

  return { code: result.code, frontmatter: parsed.data, headings, file };
}
