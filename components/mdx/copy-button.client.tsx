'use client';

import { useEffect, useState } from 'react';
import { writeClipboard } from '../clipboard';

type CopyState = 'idle' | 'copied' | 'failed';

const LABELS: Record<CopyState, string> = { idle: 'Copy', copied: 'Copied', failed: 'Copy failed' };
const ANNOUNCEMENTS: Record<CopyState, string> = {
  idle: '',
  copied: 'Copied to the clipboard',
  failed: 'Could not copy; select the text and copy it by hand',
};

/** The Copy button of a code block. `text` arrives already stripped of `$ ` prompts. */
export function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = () => {
    writeClipboard(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };

  return (
    <>
      <button type="button" className="code-button copy-button" data-state={state} onClick={copy}>
        <svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12">
          {state === 'copied' ? (
            <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" />
          ) : (
            <path
              d="M5 1.5h7.5A1.5 1.5 0 0 1 14 3v8.5M3.5 4.5h6A1.5 1.5 0 0 1 11 6v7.5A1.5 1.5 0 0 1 9.5 15h-6A1.5 1.5 0 0 1 2 13.5V6a1.5 1.5 0 0 1 1.5-1.5z"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.4"
            />
          )}
        </svg>
        {LABELS[state]}
      </button>
      <span className="visually-hidden" role="status">
        {ANNOUNCEMENTS[state]}
      </span>
    </>
  );
}
