/**
 * `npm run images`: builds the lab's image catalog.
 *
 *   tsx lab-server/images/cli.ts [--force] [--status] [lab flags such as --images upstream]
 *
 * --force rebuilds every image without the build cache; without it only missing or stale
 * images are built. --status only prints whether each image is current.
 */
import { loadConfig } from '../config';
import { ensureDockerEngine } from '../preflight/docker';
import { describeFailure, step } from '../preflight/progress';
import { ensureImages, imageStatus } from './index';

async function main(argv: string[]): Promise<void> {
  const force = argv.includes('--force');
  const statusOnly = argv.includes('--status');
  const config = loadConfig(argv.filter((arg) => arg !== '--force' && arg !== '--status'));
  const engine = await step('Docker engine', async (detail) => {
    const result = await ensureDockerEngine(config, detail);
    detail(`Docker Engine ${result.version} (API ${result.apiVersion}) at ${config.dockerHost}`);
    return result;
  });
  if (statusOnly) {
    for (const item of await imageStatus(engine.docker, config)) console.log(`${item.ready ? 'ready  ' : 'missing'} ${item.ref}`);
    return;
  }
  await step(`Lab images (${config.images}${force ? ', rebuilding all' : ''})`, (detail) => ensureImages(engine.docker, config, detail, { force }));
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(describeFailure(error));
    process.exit(1);
  },
);
