import type { Element, Root } from 'hast';
import { canonicalLanguage, FENCE_LANGUAGES, SHELL_LANGUAGES } from '../languages';
import { CodeMetaError, parseCodeMeta } from '../code-meta';
import { isElement, textOf, visitElements } from '../hast';
import { CODE_BLOCK_ATTRS as A } from './code-block-data';

/** The part of VFile this plugin uses; `fail` throws a message that carries the node's position. */
interface FileLike {
  fail(reason: string, place?: Element['position']): never;
}

/**
 * Runs BEFORE rehype-pretty-code. For every fenced block (`pre > code`):
 * - checks the language against the guide's list and normalises aliases (`sh` → `bash`);
 * - parses our fence options (`run`, `term=2`, `interrupt`, `copy`, `output`) and removes them
 *   from the meta string, so rehype-pretty-code only sees its own options;
 * - records the raw text and the options as `data-*` attributes on the `<pre>`.
 *
 * rehype-pretty-code turns that `<pre>` into `<figure data-rehype-pretty-code-figure>` and keeps
 * its properties, so `rehypeCodeMetaAttach` can move them onto the new `<pre>` afterwards.
 * Mistakes fail the build with the fence's file:line.
 */
export function rehypeCodeMetaCapture() {
  return (tree: Root, file: FileLike) => {
    let index = 0;
    visitElements(tree, (pre) => {
      if (pre.tagName !== 'pre') return;
      const code = pre.children.find((child) => isElement(child, 'code'));
      if (!isElement(code)) return;

      const className = Array.isArray(code.properties.className) ? code.properties.className : [];
      const langClass = className.find((name) => typeof name === 'string' && name.startsWith('language-'));
      const written = typeof langClass === 'string' ? langClass.slice('language-'.length) : undefined;
      if (!written) {
        file.fail('code fence needs a language, e.g. ```bash run, ```text output or ```text', pre.position);
      }
      const lang = canonicalLanguage(written);
      if (!lang) {
        file.fail(
          `unknown code fence language "${written}" (use one of: ${Object.keys(FENCE_LANGUAGES).join(', ')})`,
          pre.position,
        );
      }
      code.properties.className = [`language-${lang}`];

      const data = code.data as { meta?: string | null } | undefined;
      let meta;
      try {
        meta = parseCodeMeta(data?.meta);
      } catch (error) {
        if (error instanceof CodeMetaError) file.fail(error.message, pre.position);
        throw error;
      }
      if (meta.run && !SHELL_LANGUAGES.has(lang)) {
        file.fail(`only shell blocks can "run" (this one is \`\`\`${written})`, pre.position);
      }
      code.data = { ...code.data, meta: meta.rest };

      const raw = textOf(code).replace(/\n$/, '');
      if (meta.run && raw.trim() === '') file.fail('a "run" block needs a command', pre.position);

      pre.properties[A.block] = String(index++);
      pre.properties[A.raw] = raw;
      if (meta.run) {
        pre.properties[A.run] = '';
        pre.properties[A.term] = String(meta.term);
        if (meta.interrupt) pre.properties[A.interrupt] = '';
      }
      if (meta.copy) pre.properties[A.copy] = '';
      if (meta.output) pre.properties[A.output] = '';
    });
  };
}
