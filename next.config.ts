import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { NextConfig } from 'next';

/**
 * A git worktree may share another checkout's node_modules through a symlink (ours do: see
 * .gitignore). Turbopack compiles nothing outside its root, so the root must then be the closest
 * folder holding both the project and the real node_modules. A plain checkout changes nothing.
 */
function sharedModulesRoot(): string | undefined {
  try {
    const project = process.cwd();
    const modules = realpathSync(path.join(project, 'node_modules'));
    if (modules === path.join(project, 'node_modules')) return undefined;
    let root = project;
    while (!modules.startsWith(root + path.sep) && path.dirname(root) !== root) root = path.dirname(root);
    return root;
  } catch {
    return undefined;
  }
}

const root = sharedModulesRoot();

const config: NextConfig = {
  // mdx-bundler runs esbuild at build time; Turbopack must not try to bundle esbuild's native binary.
  serverExternalPackages: ['mdx-bundler', 'esbuild'],
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm test` type-checks the whole project (site and lab server) with tsc; checking again inside
  // `next build` would only slow down `npm start` and fail the site on lab-server work in progress.
  typescript: { ignoreBuildErrors: true },
  ...(root ? { turbopack: { root }, outputFileTracingRoot: root } : {}),
};

export default config;
