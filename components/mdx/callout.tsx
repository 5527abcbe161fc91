import type { ReactNode } from 'react';

export type CalloutType = 'note' | 'tip' | 'warning';

const TITLES: Record<CalloutType, string> = { note: 'Note', tip: 'Tip', warning: 'Warning' };

const ICONS: Record<CalloutType, ReactNode> = {
  note: <path d="M8 1.5a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13zM8 7v4.5M8 4.5v.5" />,
  tip: <path d="M5.5 12.5h5M6.5 14.5h3M8 1.5a4.5 4.5 0 0 0-2.5 8.2V11h5V9.7A4.5 4.5 0 0 0 8 1.5z" />,
  warning: <path d="M8 1.8l6.6 11.7H1.4zM8 6.5v3.5M8 11.8v.4" />,
};

/**
 * `<Callout type="warning" title="Optional title">…</Callout>` in MDX. A `role="note"`
 * block rather than an `<aside>`, which would be a complementary landmark inside the article.
 */
export function Callout({
  type = 'note',
  title,
  children,
}: {
  type?: CalloutType;
  title?: string;
  children: ReactNode;
}) {
  const kind: CalloutType = type in TITLES ? type : 'note';
  return (
    <div className="callout" data-type={kind} role="note">
      <p className="callout-title">
        <svg
          aria-hidden="true"
          viewBox="0 0 16 16"
          width="16"
          height="16"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          {ICONS[kind]}
        </svg>
        {title ?? TITLES[kind]}
      </p>
      <div className="callout-body">{children}</div>
    </div>
  );
}
