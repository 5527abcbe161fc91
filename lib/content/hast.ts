import type { Element, Nodes, Parents, Root } from 'hast';

/**
 * Calls `visitor` for every element, depth first, with its parent. Walks through every node
 * that has children — including MDX JSX nodes (`mdxJsxFlowElement`), so code blocks and
 * headings inside `<Step>` or `<Callout>` are visited too.
 */
export function visitElements(tree: Root | Element, visitor: (node: Element, parent: Parents) => void): void {
  const walk = (parent: Parents) => {
    for (const child of parent.children) {
      if (child.type === 'element') visitor(child, parent);
      if ('children' in child && Array.isArray(child.children)) walk(child as Parents);
    }
  };
  walk(tree);
}

/** The concatenated text of a node, like `textContent`. */
export function textOf(node: Nodes): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return node.children.map((child) => textOf(child)).join('');
  return '';
}

export function isElement(node: Nodes | undefined, tagName?: string): node is Element {
  return node?.type === 'element' && (tagName === undefined || node.tagName === tagName);
}
