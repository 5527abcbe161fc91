import type { NextConfig } from 'next';

const config: NextConfig = {
  // mdx-bundler runs esbuild at build time; Turbopack must not try to bundle esbuild's native binary.
  serverExternalPackages: ['mdx-bundler', 'esbuild'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
