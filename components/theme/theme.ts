/** The reader's theme choice: stored in localStorage, applied as data-theme on <html>. */
export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'theme';

export function parseTheme(value: unknown): Theme | undefined {
  return value === 'light' || value === 'dark' ? value : undefined;
}

/**
 * Runs inline in <head>, before the first paint: applies a stored choice so a dark-mode reader
 * never sees a white flash. Without a stored choice nothing is set and `color-scheme` follows the OS.
 */
export const themeInitScript = `try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;
