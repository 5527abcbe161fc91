import type { ElementType } from 'react';
import { beyondDiagrams } from './beyond';
import { foundationsDiagrams } from './foundations';
import { practiceDiagrams } from './practice';

/** Every diagram component, by the name chapters use in MDX. */
export const diagrams: Record<string, ElementType> = { ...foundationsDiagrams, ...practiceDiagrams, ...beyondDiagrams };
