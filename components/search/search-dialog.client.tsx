'use client';

import { useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useRouter } from 'next/navigation';
import { excerptParts, isSearchShortcut, pageUrl, type ExcerptPart } from './search-results';

/** The parts of Pagefind's browser API used here (pagefind.js is generated at build time). */
interface PagefindResultData {
  url: string;
  excerpt: string;
  meta: { title?: string };
}
interface Pagefind {
  init(): Promise<void>;
  search(query: string): Promise<{ results: { id: string; data(): Promise<PagefindResultData> }[] } | null>;
}

interface Result {
  id: string;
  url: string;
  title: string;
  excerpt: ExcerptPart[];
}

const PAGEFIND_URL = '/pagefind/pagefind.js';
const MAX_RESULTS = 8;

let pagefindPromise: Promise<Pagefind> | undefined;

/** Loaded on first open only, so pages ship no search code until it is used. */
function loadPagefind(): Promise<Pagefind> {
  pagefindPromise ??= (async () => {
    const url = PAGEFIND_URL;
    const pagefind = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ url)) as Pagefind;
    await pagefind.init();
    return pagefind;
  })().catch((error: unknown) => {
    pagefindPromise = undefined;
    throw error;
  });
  return pagefindPromise;
}

type Status = 'idle' | 'loading' | 'done' | 'error';

/** "Search" in the header: a modal dialog over the Pagefind index. Ctrl/Cmd+K or / opens it. */
export function SearchDialog() {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const latest = useRef(0);
  const router = useRouter();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Result[]>([]);
  const [status, setStatus] = useState<Status>('idle');
  const ids = useId();

  function open() {
    const dialog = dialogRef.current;
    if (!dialog || dialog.open) return;
    returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    inputRef.current?.focus();
    inputRef.current?.select();
    loadPagefind().catch(() => setStatus('error'));
  }

  function close() {
    dialogRef.current?.close();
  }

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (dialogRef.current?.open) return;
      if (isSearchShortcut(event, event.target as HTMLElement | null)) {
        event.preventDefault();
        open();
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  /**
   * Runs on every keystroke, without a debounce: a search over the loaded index answers in a
   * few milliseconds, and an older query's answer is dropped when a newer one was typed.
   */
  function search(value: string) {
    setQuery(value);
    const request = ++latest.current;
    const trimmed = value.trim();
    if (!trimmed) {
      setResults([]);
      setStatus('idle');
      return;
    }
    setStatus('loading');
    (async () => {
      const pagefind = await loadPagefind();
      const found = await pagefind.search(trimmed);
      if (!found || request !== latest.current) return;
      const data = await Promise.all(found.results.slice(0, MAX_RESULTS).map((result) => result.data()));
      if (request !== latest.current) return;
      setResults(
        data.map((item, index) => ({
          id: found.results[index]!.id,
          url: pageUrl(item.url),
          title: item.meta.title ?? pageUrl(item.url),
          excerpt: excerptParts(item.excerpt),
        })),
      );
      setStatus('done');
    })().catch(() => {
      if (request === latest.current) setStatus('error');
    });
  }

  function go(url: string) {
    returnFocus.current = null;
    close();
    router.push(url);
  }

  function links(): HTMLAnchorElement[] {
    return [...(listRef.current?.querySelectorAll<HTMLAnchorElement>('a') ?? [])];
  }

  function onInputKey(event: ReactKeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      links()[0]?.focus();
    } else if (event.key === 'Enter' && results[0]) {
      event.preventDefault();
      go(results[0].url);
    }
  }

  function onListKey(event: ReactKeyboardEvent<HTMLUListElement>) {
    const all = links();
    const index = all.indexOf(document.activeElement as HTMLAnchorElement);
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      all[Math.min(index + 1, all.length - 1)]?.focus();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (index <= 0) inputRef.current?.focus();
      else all[index - 1]?.focus();
    }
  }

  const statusText =
    status === 'error'
      ? 'Search is not available (the index is built with the site).'
      : status === 'loading'
        ? 'Searching…'
        : status === 'done'
          ? results.length === 0
            ? `No results for “${query.trim()}”.`
            : `${results.length} result${results.length === 1 ? '' : 's'}.`
          : '';

  return (
    <>
      <button type="button" className="header-button search-button" onClick={open} aria-keyshortcuts="Control+K Meta+K /">
        <svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">
          <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="m10.5 10.5 3.5 3.5" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
        <span>Search</span>
        <kbd className="search-kbd" aria-hidden="true">
          Ctrl K
        </kbd>
      </button>
      <dialog
        ref={dialogRef}
        className="search-dialog"
        aria-labelledby={`${ids}-label`}
        onClose={() => {
          returnFocus.current?.focus();
          returnFocus.current = null;
        }}
        onClick={(event) => {
          if (event.target === dialogRef.current) close();
        }}
      >
        <div role="search" className="search-box">
          <label id={`${ids}-label`} htmlFor={`${ids}-input`} className="visually-hidden">
            Search the guide
          </label>
          <input
            ref={inputRef}
            id={`${ids}-input`}
            type="search"
            className="search-input"
            placeholder="Search the guide"
            autoComplete="off"
            spellCheck={false}
            value={query}
            onChange={(event) => search(event.target.value)}
            onKeyDown={onInputKey}
            aria-describedby={`${ids}-status`}
          />
          <button type="button" className="search-close" onClick={close}>
            Close
          </button>
        </div>
        <p id={`${ids}-status`} className="search-status" role="status">
          {statusText}
        </p>
        <ul ref={listRef} className="search-results" onKeyDown={onListKey} aria-label="Results">
          {results.map((result) => (
            <li key={result.id}>
              <a
                href={result.url}
                className="search-result"
                onClick={(event) => {
                  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
                  event.preventDefault();
                  go(result.url);
                }}
              >
                <span className="search-result-title">{result.title}</span>
                <span className="search-result-excerpt">
                  {result.excerpt.map((part, index) => (part.mark ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>))}
                </span>
              </a>
            </li>
          ))}
        </ul>
      </dialog>
    </>
  );
}
