import type { ElementType } from 'react';

/**
 * Diagrams for the guide's chapters, as accessible inline SVG server components
 * (role="img" with a <title> and <desc>, colours from the site's CSS variables so they
 * follow the theme). Chapters use them by name, e.g. <ContainersVsVms />.
 */
export const beyondDiagrams: Record<string, ElementType> = {};
