import { createHighlighter, type Highlighter } from 'shiki';
import { SHIKI_LANGUAGES } from './languages';

/** Light and dark themes, emitted together as CSS variables (`--shiki-light`, `--shiki-dark`). */
export const CODE_THEMES = { light: 'github-light', dark: 'github-dark' } as const;

let highlighter: Promise<Highlighter> | undefined;

/**
 * One Shiki instance for the whole process (one per build worker), with only the guide's
 * languages loaded. Creating one per page leaks memory and warns (rehype-pretty-code#227).
 */
export function getHighlighter(): Promise<Highlighter> {
  highlighter ??= createHighlighter({
    themes: Object.values(CODE_THEMES),
    langs: [...SHIKI_LANGUAGES],
  });
  return highlighter;
}
