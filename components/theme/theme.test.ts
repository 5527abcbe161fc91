import { describe, expect, it } from 'vitest';
import { parseTheme, themeInitScript } from './theme';

describe('theme', () => {
  it('accepts only light and dark', () => {
    expect(parseTheme('light')).toBe('light');
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme('system')).toBeUndefined();
    expect(parseTheme(null)).toBeUndefined();
  });

  it('the inline script applies a stored choice and ignores junk or a blocked localStorage', () => {
    const run = (stored: string | null, throws = false) => {
      const documentElement = { dataset: {} as Record<string, string> };
      const localStorage = {
        getItem: () => {
          if (throws) throw new Error('SecurityError');
          return stored;
        },
      };
      new Function('document', 'localStorage', themeInitScript)({ documentElement }, localStorage);
      return documentElement.dataset.theme;
    };
    expect(run('dark')).toBe('dark');
    expect(run('light')).toBe('light');
    expect(run('<script>')).toBeUndefined();
    expect(run(null)).toBeUndefined();
    expect(run('dark', true)).toBeUndefined();
  });
});
