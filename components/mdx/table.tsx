import type { ComponentProps } from 'react';

/**
 * A Markdown table. Wide tables scroll sideways inside their own box; the box is a named,
 * focusable region so a keyboard user can scroll it with the arrow keys too (WCAG 2.1.1).
 */
export function Table(props: ComponentProps<'table'>) {
  return (
    // A scrollable region must be focusable (axe: scrollable-region-focusable).
    <div className="table-scroll" role="region" aria-label="Scrollable table" tabIndex={0}>
      <table {...props} />
    </div>
  );
}
