import { GUIDE_BASE_PATH } from './routes';

/**
 * Internal link checking for the guide. A page is described by what it renders: the `href`s
 * of its links and the `id`s of its elements (heading ids come from rehype-slug, step ids from
 * `<Step>`), so a link is checked against exactly what a reader's browser would find.
 */
export interface RenderedPage {
  /** Slug under content/guide, e.g. `resource-limits`. */
  slug: string;
  /** Project-relative source file, for messages. */
  file: string;
  /** MDX source, to point at the line of a broken link. */
  source: string;
  /** Server-rendered HTML of the page's content. */
  html: string;
}

/** Pages outside the guide that a chapter may link to. */
export const OTHER_ROUTES: readonly string[] = ['/', '/lab'];

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', lt: '<', gt: '>', '#39': "'", '#x27': "'" };

function decode(value: string): string {
  return value.replace(/&(amp|quot|lt|gt|#39|#x27);/g, (_, name: string) => ENTITIES[name] ?? '');
}

function attributeValues(html: string, attribute: string): string[] {
  const pattern = new RegExp(`\\s${attribute}="([^"]*)"`, 'g');
  return [...html.matchAll(pattern)].map((match) => decode(match[1]!));
}

/** The `href` of every link in the HTML, in document order. */
export function linksIn(html: string): string[] {
  return [...html.matchAll(/<a\s[^>]*?\bhref="([^"]*)"/g)].map((match) => decode(match[1]!));
}

/** Every element id in the HTML. */
export function idsIn(html: string): Set<string> {
  return new Set(attributeValues(html, 'id'));
}

/** 1-based line where `href` is written as a link target (`](href)`, `href="href"`, `<href>`), if found. */
function lineOf(source: string, href: string): number | undefined {
  const forms = [`](${href})`, `](${href} `, `"${href}"`, `'${href}'`, `<${href}>`];
  const indices = forms.map((form) => source.indexOf(form)).filter((index) => index >= 0);
  if (indices.length === 0) return undefined;
  return source.slice(0, Math.min(...indices)).split('\n').length;
}

/**
 * Every internal link of every page that does not resolve, as `file:line: reason` messages
 * (empty when all is well). Internal means a path (`/guide/x`, `/guide/x#id`, `/`) or a
 * fragment (`#id`); external `http(s):` and `mailto:` links are not fetched. Relative paths
 * (`x`, `../x`) are refused: they change meaning with the URL they are read from.
 */
export function findBrokenLinks(pages: readonly RenderedPage[]): string[] {
  const idsBySlug = new Map(pages.map((page) => [page.slug, idsIn(page.html)]));
  const problems: string[] = [];

  for (const page of pages) {
    for (const href of linksIn(page.html)) {
      const problem = checkHref(href, page.slug, idsBySlug);
      if (!problem) continue;
      const line = lineOf(page.source, href);
      problems.push(`${page.file}${line === undefined ? '' : `:${line}`}: link "${href}" ${problem}`);
    }
  }
  return problems;
}

function checkHref(href: string, from: string, idsBySlug: ReadonlyMap<string, Set<string>>): string | undefined {
  if (/^(https?:|mailto:)/i.test(href)) return undefined;
  if (href === '') return 'is empty';
  if (href.startsWith('//')) return 'is protocol-relative: write https://…';
  if (!href.startsWith('/') && !href.startsWith('#')) return `is relative: write ${GUIDE_BASE_PATH}/<slug> or #<heading-id>`;

  const hash = href.indexOf('#');
  const pathname = (hash < 0 ? href : href.slice(0, hash)).replace(/\?.*$/, '');
  const fragment = hash < 0 ? undefined : decodeURIComponent(href.slice(hash + 1));

  let target: string;
  if (pathname === '') {
    target = from;
  } else if (pathname.startsWith(`${GUIDE_BASE_PATH}/`)) {
    target = pathname.slice(GUIDE_BASE_PATH.length + 1).replace(/\/$/, '');
    if (!idsBySlug.has(target)) return `points to no guide page (there is no content/guide/${target}.mdx)`;
  } else {
    if (!OTHER_ROUTES.includes(pathname)) return 'points to no page of the site';
    return fragment ? 'has an anchor on a page that is not a guide chapter (not checked, so not allowed)' : undefined;
  }

  if (fragment === undefined) return undefined;
  if (fragment === '') return 'has an empty anchor';
  if (!idsBySlug.get(target)!.has(fragment)) {
    return `points to #${fragment}, which is no heading or element id on ${target === from ? 'this page' : `${GUIDE_BASE_PATH}/${target}`}`;
  }
  return undefined;
}
