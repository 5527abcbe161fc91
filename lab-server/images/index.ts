import path from 'node:path';
import type Docker from 'dockerode';
import type { LabConfig } from '../config';
import type { Detail } from '../preflight/progress';
import { buildImage, imageId, pruneOldHashTags, syncFriendlyTags, type BuildContext } from './build';
import { planCatalog, type ImageMode, type PlannedImage } from './catalog';
import { runInOrder } from './schedule';

export { catalog, planCatalog, type ImageSpec, type ImageMode, type PlannedImage } from './catalog';
export { CATALOG_LABEL, HASH_LABEL, NAME_LABEL } from './build';

/** Images built at once (the machine has 2 cores; apt downloads overlap with unpacking). */
const CONCURRENCY = 2;

const plans = new Map<ImageMode, PlannedImage[]>();

/** The catalog plan for a mode, computed once per process (recipes do not change under a running lab). */
function cachedPlan(mode: ImageMode): PlannedImage[] {
  let plan = plans.get(mode);
  if (!plan) {
    plan = planCatalog(mode);
    plans.set(mode, plan);
  }
  return plan;
}

/** `name:<hash>` of a catalog image in the configured mode, e.g. catalogImageRef(config, 'httpd'). */
export function catalogImageRef(config: Pick<LabConfig, 'images'>, name: string): string {
  const item = cachedPlan(config.images).find((p) => p.name === name);
  if (!item) throw new Error(`no image ${name} in the lab's catalog`);
  return item.ref;
}

/** The image learner workspaces are created from: lab/workspace:<hash>. */
export function workspaceImageRef(config: Pick<LabConfig, 'images'>): string {
  return catalogImageRef(config, 'lab/workspace');
}

/** Whether each catalog image is current (its hash tag exists). Fast: one inspect per image. */
export async function imageStatus(docker: Docker, config: Pick<LabConfig, 'images'>): Promise<Array<{ name: string; ref: string; ready: boolean }>> {
  const plan = cachedPlan(config.images);
  return Promise.all(plan.map(async (item) => ({ name: item.name, ref: item.ref, ready: (await imageId(docker, item.ref)) !== undefined })));
}

/**
 * Builds (or, in upstream mode, pulls) every catalog image whose hash tag is missing, parents
 * first and then up to two at a time; `force` rebuilds all of them without the build cache.
 * Progress lines go to `detail`, full logs to <dataDir>/logs/images/<name>.log.
 */
export async function ensureImages(docker: Docker, config: Pick<LabConfig, 'images' | 'dataDir'>, detail: Detail, opts: { force?: boolean } = {}): Promise<void> {
  const force = opts.force ?? false;
  const plan = force ? planCatalog(config.images) : cachedPlan(config.images);
  const ids = new Map<string, string | undefined>();
  await Promise.all(plan.map(async (item) => ids.set(item.name, await imageId(docker, item.ref))));

  const todo = plan.filter((item) => force || ids.get(item.name) === undefined);
  const logDir = path.join(config.dataDir, 'logs', 'images');
  const ctx: BuildContext = {
    docker,
    detail,
    logDir,
    tmpDir: path.join(config.dataDir, 'tmp'),
    force,
    refs: new Map(plan.map((item) => [item.name, item.ref])),
  };

  if (todo.length > 0) {
    detail(`${force ? 'rebuilding' : 'building'} ${todo.map((item) => item.name).join(', ')} (logs in ${logDir})`);
    await runInOrder(
      todo.map((item) => ({ ...item, after: item.parent })),
      CONCURRENCY,
      async (item) => {
        const started = performance.now();
        await buildImage(item, ctx);
        const id = await imageId(docker, item.ref);
        if (!id) throw new Error(`${item.ref} is missing right after it was built`);
        ids.set(item.name, id);
        await syncFriendlyTags(docker, item, id);
        await pruneOldHashTags(docker, item);
        detail(`${item.ref} ready (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      },
    );
  }

  // Friendly tags (debian, httpd:2.4, …) may have been removed or re-pointed since: put them back.
  for (const item of plan) {
    const id = ids.get(item.name);
    if (id && !todo.includes(item)) await syncFriendlyTags(docker, item, id);
  }
  if (todo.length === 0) detail(`all ${plan.length} images are current (${plan.map((item) => item.ref).join(', ')})`);
}
