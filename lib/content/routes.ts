/** URL helpers for the guide, free of Node imports so any component can use them. */
export const GUIDE_BASE_PATH = '/guide';

export function guideHref(slug: string | readonly string[]): string {
  return `${GUIDE_BASE_PATH}/${typeof slug === 'string' ? slug : slug.join('/')}`;
}
