import path from 'node:path';
import type Docker from 'dockerode';
import type { LabConfig } from '../config';
import { ensureImages } from '../images';
import { ensureSiteBuilt } from '../site/build';
import { ensureChromium } from './chromium';
import { ensureDataDir } from './data-dir';
import { ensureDockerEngine } from './docker';
import { step } from './progress';

export interface PreflightOptions {
  projectRoot: string;
  /** Build the site with `next build` when its sources changed (not in dev mode). */
  site: boolean;
  /** Make sure Chromium is present (for the end-to-end tests). */
  chromium: boolean;
}

export interface PreflightResult {
  docker: Docker;
  engineVersion: string;
  chromiumPath?: string;
}

/** Everything `npm start` and `npm test` need before the first request, one progress line per step. */
export async function runPreflight(config: LabConfig, options: PreflightOptions): Promise<PreflightResult> {
  await step(`Data directory ${path.relative(options.projectRoot, config.dataDir) || '.'}`, async () => ensureDataDir(config.dataDir));
  const engine = await step('Docker engine', async (detail) => {
    const result = await ensureDockerEngine(config, detail);
    detail(`Docker Engine ${result.version} (API ${result.apiVersion}) at ${config.dockerHost}`);
    return result;
  });
  await step(`Lab images (${config.images})`, (detail) => ensureImages(engine.docker, config, detail));
  if (options.site) {
    await step('Site', (detail) => ensureSiteBuilt(options.projectRoot, path.join(config.dataDir, 'logs'), detail));
  }
  const chromiumPath = options.chromium ? await step('Chromium', (detail) => ensureChromium(detail)) : undefined;
  return { docker: engine.docker, engineVersion: engine.version, chromiumPath };
}
