/** Pure helpers for the search dialog, kept apart from React so they can be unit-tested. */

/** Pagefind indexes `.next/server/app/guide/x.html`; the page lives at `/guide/x`. */
export function pageUrl(url: string): string {
  const [pathPart = '', hash = ''] = url.split(/(?=#)/, 2);
  let clean = pathPart.replace(/\/index\.html$/, '/').replace(/\.html$/, '');
  if (!clean.startsWith('/')) clean = `/${clean}`;
  return clean + hash;
}

export interface ExcerptPart {
  text: string;
  mark: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", apos: "'" };

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27|apos);/g, (_match, name: string) => ENTITIES[name] ?? '');
}

/**
 * Pagefind's excerpt is HTML with `<mark>` around matches. Split it into text parts so React
 * renders it as text: no other markup can reach the page.
 */
export function excerptParts(html: string): ExcerptPart[] {
  const parts: ExcerptPart[] = [];
  const pieces = html.split(/(<mark>[\s\S]*?<\/mark>)/g);
  for (const piece of pieces) {
    if (!piece) continue;
    const marked = /^<mark>([\s\S]*)<\/mark>$/.exec(piece);
    const text = decode((marked ? marked[1]! : piece).replace(/<[^>]*>/g, ''));
    if (text) parts.push({ text, mark: Boolean(marked) });
  }
  return parts;
}

/** Keys that open search, unless the reader is typing somewhere (or in a terminal). */
export function isSearchShortcut(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>,
  target: { tagName?: string; isContentEditable?: boolean; closest?: (selector: string) => unknown } | null,
): boolean {
  const inTerminal = Boolean(target?.closest?.('.xterm'));
  if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k') {
    return !inTerminal;
  }
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return false;
  const tag = target?.tagName ?? '';
  return !inTerminal && !target?.isContentEditable && !['INPUT', 'TEXTAREA', 'SELECT'].includes(tag);
}
