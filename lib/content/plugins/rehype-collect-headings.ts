import type { Root } from 'hast';
import { textOf, visitElements } from '../hast';

export interface Heading {
  id: string;
  depth: number;
  text: string;
}

export interface CollectHeadingsOptions {
  /** Filled with the page's headings, in order. */
  into: Heading[];
  /** Heading levels to collect; defaults to h2 and h3 (what an on-page TOC shows). */
  depths?: readonly number[];
}

/**
 * Collects headings for the on-page table of contents. Runs after rehype-slug, so the ids
 * are exactly the ones the page renders.
 */
export function rehypeCollectHeadings({ into, depths = [2, 3] }: CollectHeadingsOptions) {
  return (tree: Root) => {
    visitElements(tree, (node) => {
      const match = /^h([1-6])$/.exec(node.tagName);
      if (!match) return;
      const depth = Number(match[1]);
      const id = node.properties.id;
      if (depths.includes(depth) && typeof id === 'string') {
        into.push({ id, depth, text: textOf(node).trim() });
      }
    });
  };
}
