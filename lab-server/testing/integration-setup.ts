import { loadConfig } from '../config';
import { PROJECT_ROOT } from '../http/server';
import { runPreflight } from '../preflight';

/**
 * Integration tests use the real engine and the real catalog. The preflight is fast when both are
 * ready (as after `npm test`'s own preflight) and makes `npm run test:integration` work on its own.
 */
export default async function setup(): Promise<void> {
  const config = integrationConfig();
  await runPreflight(config, { projectRoot: PROJECT_ROOT, site: false, chromium: false });
}

export function integrationConfig() {
  return loadConfig([], { ...process.env, LAB_DATA_DIR: process.env.LAB_DATA_DIR ?? '.lab-data/test', PORT: '0', LOG_LEVEL: 'silent' }, PROJECT_ROOT);
}
