'use client';

import { useSyncExternalStore } from 'react';
import { THEME_STORAGE_KEY, parseTheme, type Theme } from './theme';

const DARK_QUERY = '(prefers-color-scheme: dark)';
const CHANGE_EVENT = 'themechange';

function effectiveTheme(): Theme {
  return parseTheme(document.documentElement.dataset.theme) ?? (matchMedia(DARK_QUERY).matches ? 'dark' : 'light');
}

function subscribe(onChange: () => void): () => void {
  const media = matchMedia(DARK_QUERY);
  media.addEventListener('change', onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  window.addEventListener('storage', onChange);
  return () => {
    media.removeEventListener('change', onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
    window.removeEventListener('storage', onChange);
  };
}

/** Switches between light and dark; the OS decides until the reader chooses. */
export function ThemeToggle() {
  // null on the server: the theme is only known in the browser (the inline script set it).
  const theme = useSyncExternalStore<Theme | null>(subscribe, effectiveTheme, () => null);

  function toggle() {
    const next: Theme = effectiveTheme() === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Storage blocked: the choice lasts for this page only.
    }
    window.dispatchEvent(new Event(CHANGE_EVENT));
  }

  return (
    <button
      type="button"
      className="header-button theme-toggle"
      onClick={toggle}
      aria-pressed={theme === null ? undefined : theme === 'dark'}
      title="Dark theme"
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16" className="theme-icon">
        <path
          d="M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13Zm0 1.5v10a5 5 0 0 1 0-10Z"
          fill="currentColor"
        />
      </svg>
      <span className="visually-hidden">Dark theme</span>
    </button>
  );
}
