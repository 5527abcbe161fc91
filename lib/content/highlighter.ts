import { bundledThemes, createHighlighter, type Highlighter, type ThemeRegistration } from 'shiki';
import { SHIKI_LANGUAGES } from './languages';

/** Light and dark themes, emitted together as CSS variables (`--shiki-light`, `--shiki-dark`). */
export const CODE_THEMES = { light: 'github-light', dark: 'github-dark' } as const;

/**
 * Token colours of the GitHub themes that miss WCAG AA (4.5:1) on our code backgrounds
 * (#f6f8fa light, #161b22 dark), swapped for the nearest colours of GitHub's current palette
 * that pass: e2e/a11y.spec.ts runs axe on every code block of the guide in both themes.
 */
export const ACCESSIBLE_COLORS: Record<keyof typeof CODE_THEMES, Record<string, string>> = {
  light: {
    '#d73a49': '#cf222e', // keywords, 4.3 → 5.0
    '#22863a': '#116329', // tags, YAML keys, 4.3 → 6.9
    '#e36209': '#953800', // parameters, 3.3 → 6.9
    '#6a737d': '#59636e', // comments, 4.5 → 5.7
  },
  dark: {
    '#6a737d': '#8b949e', // comments, 3.6 → 5.6
  },
};

async function accessibleTheme(mode: keyof typeof CODE_THEMES): Promise<ThemeRegistration> {
  const { default: theme } = await bundledThemes[CODE_THEMES[mode]]();
  return { ...theme, colorReplacements: { ...theme.colorReplacements, ...ACCESSIBLE_COLORS[mode] } };
}

let highlighter: Promise<Highlighter> | undefined;

/**
 * One Shiki instance for the whole process (one per build worker), with only the guide's
 * languages loaded. Creating one per page leaks memory and warns (rehype-pretty-code#227).
 */
export function getHighlighter(): Promise<Highlighter> {
  highlighter ??= Promise.all([accessibleTheme('light'), accessibleTheme('dark')]).then((themes) =>
    createHighlighter({ themes, langs: [...SHIKI_LANGUAGES] }),
  );
  return highlighter;
}
