/**
 * The data attributes the code-meta plugins put on a fenced block's `<pre>`, and that
 * `components/mdx/code-block.tsx` reads back. One list so both sides agree.
 */
export const CODE_BLOCK_ATTRS = {
  /** Position of the block in the page, from 0: lets the lab run a block by id later. */
  block: 'data-block',
  /** The block's exact text (fence content, no trailing newline). */
  raw: 'data-raw',
  run: 'data-run',
  term: 'data-term',
  interrupt: 'data-interrupt',
  copy: 'data-copy',
  output: 'data-output',
} as const;

export const CODE_BLOCK_ATTR_NAMES: readonly string[] = Object.values(CODE_BLOCK_ATTRS);

/** Set on each line (`span[data-line]`) of a shell block that starts a command. */
export const PROMPT_ATTR = 'data-prompt';
