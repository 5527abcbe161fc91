import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCESSIBLE_COLORS, CODE_THEMES, getHighlighter } from './highlighter';

/**
 * Every colour a code token can take, in both themes, reaches WCAG AA contrast (4.5:1) on every
 * background a code block can have. This covers tokens no chapter uses yet; the axe sweep in
 * e2e/a11y.spec.ts checks the rendered light theme as well.
 */
function luminance(hex: string): number {
  const [r, g, b] = hex
    .replace('#', '')
    .slice(0, 6)
    .match(/../g)!
    .map((part) => parseInt(part, 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high! + 0.05) / (low! + 0.05);
}

/** `--name: light-dark(#light, #dark)` from the site's stylesheet. */
async function cssPair(name: string): Promise<{ light: string; dark: string }> {
  const css = await readFile(path.join(process.cwd(), 'app', 'globals.css'), 'utf8');
  const match = new RegExp(`${name}:\\s*light-dark\\((#[0-9a-f]{6}),\\s*(#[0-9a-f]{6})\\)`, 'i').exec(css);
  if (!match) throw new Error(`app/globals.css has no ${name}: light-dark(#…, #…)`);
  return { light: match[1]!, dark: match[2]! };
}

describe('code colours', () => {
  it('every token colour of both themes reaches 4.5:1 on code and highlighted-line backgrounds', async () => {
    const highlighter = await getHighlighter();
    const backgrounds = { code: await cssPair('--code-bg'), highlighted: await cssPair('--accent-soft') };
    const failures: string[] = [];
    for (const mode of ['light', 'dark'] as const) {
      const theme = highlighter.getTheme(CODE_THEMES[mode]);
      const replace = (color: string) => theme.colorReplacements?.[color.toLowerCase()] ?? color.toLowerCase();
      const colors = new Set<string>([replace(theme.fg)]);
      for (const rule of theme.settings) {
        // Tokens that paint their own background (invalid, diff markers) are not plain text colours.
        if (rule.settings.foreground && !rule.settings.background) colors.add(replace(rule.settings.foreground));
      }
      for (const color of colors) {
        for (const [name, pair] of Object.entries(backgrounds)) {
          const ratio = contrast(color, pair[mode]);
          if (ratio < 4.5) failures.push(`${mode}: ${color} on ${name} ${pair[mode]} is ${ratio.toFixed(2)}:1`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('replaces exactly the colours the themes use', async () => {
    const highlighter = await getHighlighter();
    for (const mode of ['light', 'dark'] as const) {
      const theme = highlighter.getTheme(CODE_THEMES[mode]);
      const used = new Set(theme.settings.map((rule) => rule.settings.foreground?.toLowerCase()));
      for (const original of Object.keys(ACCESSIBLE_COLORS[mode])) expect(used.has(original), `${mode} ${original}`).toBe(true);
    }
  });
});
