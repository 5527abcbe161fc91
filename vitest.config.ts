import { defineConfig } from 'vitest/config';
import path from 'node:path';

const alias = { '@': path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['{lab-server,lib,components,scripts}/**/*.test.{ts,tsx}'],
          exclude: ['**/*.int.test.ts', '**/*.chaos.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['{lab-server,lib,scripts}/**/*.int.test.ts'],
          globalSetup: ['lab-server/testing/integration-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        // Faults on purpose (kills, floods, hostile input): `npm test` runs the short form, `npm run test:chaos` the long one (CHAOS_LONG=1).
        test: {
          name: 'chaos',
          // global.gc() before each memory figure, so "back to baseline" compares live objects, not garbage.
          execArgv: ['--expose-gc'],
          include: ['lab-server/chaos/**/*.chaos.test.ts'],
          globalSetup: ['lab-server/testing/integration-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
