/**
 * The guide's navigation as typed data: sections in reading order, each with its chapters.
 * The sidebar and the previous/next pager are derived from it; `nav.test.ts` checks that
 * every entry has a page and every page has an entry.
 */
export interface NavItem {
  /** Path under content/guide without `.mdx`, e.g. `first-commands` or `basics/run`. */
  slug: string;
  /** Short label for navigation; the page's own title comes from its frontmatter. */
  title: string;
  /** Chapter number as printed in the guide, when the page is a numbered chapter. */
  chapter?: number;
}

export interface NavSection {
  title: string;
  items: readonly NavItem[];
}

export const guideNav: readonly NavSection[] = [
  {
    title: 'Foundations',
    items: [
      { slug: 'why-containers', title: 'Why containers', chapter: 1 },
      { slug: 'architecture', title: 'Architecture', chapter: 2 },
      { slug: 'isolation', title: 'Under the hood: isolation', chapter: 3 },
    ],
  },
  {
    title: 'Using Docker',
    items: [
      { slug: 'installing', title: 'Installing Docker', chapter: 4 },
      { slug: 'first-commands', title: 'First commands', chapter: 5 },
      { slug: 'images', title: 'Images', chapter: 6 },
      { slug: 'dockerfiles', title: 'Dockerfiles and docker build', chapter: 7 },
    ],
  },
  {
    title: 'Data, networks and limits',
    items: [
      { slug: 'data', title: 'Data', chapter: 8 },
      { slug: 'networking', title: 'Networking', chapter: 9 },
      { slug: 'resource-limits', title: 'Resource limits', chapter: 10 },
    ],
  },
  {
    title: 'Apps and distribution',
    items: [
      { slug: 'multi-container', title: 'Multi-container apps', chapter: 11 },
      { slug: 'registries', title: 'Registries', chapter: 12 },
    ],
  },
  {
    title: 'Beyond Docker',
    items: [
      { slug: 'ecosystem', title: 'The ecosystem', chapter: 13 },
      { slug: 'hpc', title: 'Containers in HPC', chapter: 14 },
    ],
  },
  {
    title: 'Reference',
    items: [
      { slug: 'cheat-sheet', title: 'Cheat sheet', chapter: 15 },
      { slug: 'troubleshooting', title: 'Troubleshooting', chapter: 16 },
    ],
  },
];

export function flattenNav(nav: readonly NavSection[] = guideNav): NavItem[] {
  return nav.flatMap((section) => section.items);
}

export function firstNavItem(nav: readonly NavSection[] = guideNav): NavItem | undefined {
  return flattenNav(nav)[0];
}

export interface Pager {
  prev?: NavItem;
  next?: NavItem;
}

/** Previous and next pages in reading order, across section boundaries. */
export function getPager(slug: string, nav: readonly NavSection[] = guideNav): Pager {
  const items = flattenNav(nav);
  const index = items.findIndex((item) => item.slug === slug);
  if (index === -1) return {};
  return { prev: items[index - 1], next: items[index + 1] };
}

export interface NavLocation {
  section: NavSection;
  item: NavItem;
}

/** The section and entry of a page, for breadcrumbs and the sidebar; undefined if it is not in the nav. */
export function findNavLocation(slug: string, nav: readonly NavSection[] = guideNav): NavLocation | undefined {
  for (const section of nav) {
    const item = section.items.find((candidate) => candidate.slug === slug);
    if (item) return { section, item };
  }
  return undefined;
}
