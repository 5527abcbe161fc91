import type { ComponentProps, ElementType } from 'react';
import Link from 'next/link';
import { diagrams } from '../diagrams';
import { Callout } from './callout';
import { CodeBlock } from './code-block';
import { Step } from './step';
import { Table } from './table';
import { Tab, Tabs } from './tabs';

export type MdxComponents = Record<string, ElementType>;

/** Internal links use next/link (client-side navigation and prefetch); external ones open normally. */
function MdxLink({ href = '', ...props }: ComponentProps<'a'>) {
  if (href.startsWith('/') && !href.startsWith('//')) return <Link href={href} {...props} />;
  if (/^https?:\/\//.test(href)) return <a href={href} rel="noreferrer" {...props} />;
  return <a href={href} {...props} />;
}

/**
 * What MDX elements render as, and the components chapters may use without importing them
 * (never `import` app components in MDX: esbuild would bundle them into the page and
 * ignore 'use client' boundaries).
 */
export const mdxComponents: MdxComponents = {
  a: MdxLink,
  pre: CodeBlock,
  table: Table,
  Callout,
  Step,
  Tabs,
  Tab,
  ...diagrams,
};
