import type { Root } from 'hast';
import { commandLineStarts } from '../code-text';
import { SHELL_LANGUAGES, type FenceLanguage } from '../languages';
import { isElement, visitElements } from '../hast';
import { CODE_BLOCK_ATTR_NAMES, CODE_BLOCK_ATTRS as A, PROMPT_ATTR } from './code-block-data';

/**
 * Runs AFTER rehype-pretty-code. Moves the attributes `rehypeCodeMetaCapture` left on the
 * `<figure data-rehype-pretty-code-figure>` back onto its `<pre>` (the element the MDX `pre`
 * component receives), and marks the lines of runnable/copyable shell blocks that start a
 * command, so CSS can draw an unselectable `$ ` prompt in front of them.
 */
export function rehypeCodeMetaAttach() {
  return (tree: Root) => {
    visitElements(tree, (figure) => {
      if (figure.tagName !== 'figure' || !('data-rehype-pretty-code-figure' in figure.properties)) return;
      const pre = figure.children.find((child) => isElement(child, 'pre'));
      if (!isElement(pre)) return;

      for (const name of CODE_BLOCK_ATTR_NAMES) {
        if (name in figure.properties) {
          pre.properties[name] = figure.properties[name];
          delete figure.properties[name];
        }
      }

      const lang = pre.properties['data-language'] as FenceLanguage | undefined;
      const raw = pre.properties[A.raw];
      if (!lang || !SHELL_LANGUAGES.has(lang) || A.output in pre.properties || typeof raw !== 'string') return;
      if (/^\$( |$)/m.test(raw)) return; // the author wrote prompts; don't draw a second one

      const code = pre.children.find((child) => isElement(child, 'code'));
      if (!isElement(code)) return;
      const starts = commandLineStarts(raw);
      let line = 0;
      for (const child of code.children) {
        if (isElement(child, 'span') && 'data-line' in child.properties) {
          if (starts[line]) child.properties[PROMPT_ATTR] = '';
          line++;
        }
      }
    });
  };
}
