import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import { mdxComponents, type MdxComponents } from './mdx-components';

type MdxModule = { default: React.ComponentType<{ components?: MdxComponents }> };

/**
 * Evaluates an mdx-bundler bundle. This is a SERVER component: the bundle runs during
 * static generation with the app's own React, and only the rendered HTML (plus the few
 * client islands it contains, such as Copy buttons) reaches the browser — no `code` string
 * in the RSC payload, no `unsafe-eval` in the CSP, no client JS for the prose.
 * The same evaluation as `mdx-bundler/client`'s getMDXComponent.
 */
function evaluate(code: string): MdxModule {
  // The bundle is build-time output of content we author ourselves, never user input.
  const factory = new Function('React', 'ReactDOM', '_jsx_runtime', code) as (
    react: typeof React,
    reactDom: typeof ReactDOM,
    runtime: typeof jsxRuntime,
  ) => MdxModule;
  return factory(React, ReactDOM, jsxRuntime);
}

export function MdxContent({ code, components = mdxComponents }: { code: string; components?: MdxComponents }) {
  const { default: Content } = evaluate(code);
  return <Content components={components} />;
}
