import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabConfig } from '../config';
import { hashRecipe, readRecipeFiles } from './hash';
import { hostDebianMirrors, type DebianMirrors } from './mirror';

/**
 * The lab's image catalog: what exists, how each image is made in each mode, and the
 * content hash that names it. Pure apart from reading the recipe files.
 */

export type ImageMode = LabConfig['images'];

export interface ImageSpec {
  /** Repository of the image and of its hash tag, e.g. "lab/workspace" → lab/workspace:<hash>. */
  name: string;
  /** Friendly references tagged onto the same image, e.g. "httpd:2.4". */
  tags: readonly string[];
  /** Directory under recipes/ (offline mode). */
  recipe: string;
  /** Offline mode: the catalog image this one is built FROM. */
  parent?: string;
  /** Offline mode: built from a root filesystem (debootstrap) instead of a Dockerfile. */
  rootfs?: boolean;
  /** Debian suite of a rootfs image, passed to its mkrootfs.sh (bookworm when not given). */
  suite?: string;
  /** Upstream mode: the official image pulled instead of building the recipe. */
  upstream?: string;
}

export const catalog: readonly ImageSpec[] = [
  { name: 'lab/base', tags: ['debian:bookworm', 'debian:12', 'debian:latest'], recipe: 'base', rootfs: true, upstream: 'debian:bookworm' },
  // Debian 13: the base of the service images, whose trixie packages are the versions the guide pins (MariaDB 11.8, WordPress 6.8).
  { name: 'lab/base-trixie', tags: ['debian:trixie', 'debian:13'], recipe: 'base-trixie', rootfs: true, suite: 'trixie', upstream: 'debian:trixie' },
  { name: 'lab/workspace', tags: ['lab/workspace:latest'], recipe: 'workspace', parent: 'lab/base' },
  { name: 'httpd', tags: ['httpd:latest', 'httpd:2.4'], recipe: 'httpd', parent: 'lab/base', upstream: 'httpd:2.4' },
  { name: 'busybox', tags: ['busybox:latest'], recipe: 'busybox', parent: 'lab/base', upstream: 'busybox:latest' },
  { name: 'mariadb', tags: ['mariadb:latest', 'mariadb:11', 'mariadb:11.8'], recipe: 'mariadb', parent: 'lab/base-trixie', upstream: 'mariadb:11.8' },
  { name: 'wordpress', tags: ['wordpress:latest', 'wordpress:6', 'wordpress:6.8', 'wordpress:6.8-apache'], recipe: 'wordpress', parent: 'lab/base-trixie', upstream: 'wordpress:6.8-apache' },
  { name: 'nginx', tags: ['nginx:latest', 'nginx:1.26'], recipe: 'nginx', parent: 'lab/base-trixie', upstream: 'nginx:1.26' },
  { name: 'registry', tags: ['registry:2', 'registry:2.8'], recipe: 'registry', parent: 'lab/base-trixie', upstream: 'registry:2' },
];

/** Recipe of the upstream mode's relabelling build (FROM the pulled image, plus the lab's labels). */
export const UPSTREAM_RECIPE = 'upstream';

/** recipes/ beside this file; from the project root when this module was bundled elsewhere. */
export const defaultRecipesRoot = ((): string => {
  const beside = path.join(path.dirname(fileURLToPath(import.meta.url)), 'recipes');
  if (fs.existsSync(beside)) return beside;
  return path.resolve('lab-server', 'images', 'recipes');
})();

/** How one image is made in the chosen mode. */
export interface PlannedImage {
  name: string;
  /** rootfs: debootstrap + import; dockerfile: docker build; pull: docker pull + relabelling build. */
  kind: 'rootfs' | 'dockerfile' | 'pull';
  recipeDir: string;
  /** Files of the recipe, relative to recipeDir, sorted ('/'-separated). */
  files: string[];
  /** Catalog image built first (its ref is the BASE build argument). */
  parent?: string | undefined;
  /** Image pulled in upstream mode. */
  upstream?: string | undefined;
  /** Inputs besides the files that shape the image (mirrors, upstream ref). */
  inputs: Record<string, string>;
  hash: string;
  /** name:hash, the tag that says the image is current. */
  ref: string;
  tags: readonly string[];
}

export interface PlanOptions {
  recipesRoot?: string;
  mirrors?: DebianMirrors;
  specs?: readonly ImageSpec[];
}

/** The catalog in dependency order (parents first) with every image's hash. */
export function planCatalog(mode: ImageMode, options: PlanOptions = {}): PlannedImage[] {
  const root = options.recipesRoot ?? defaultRecipesRoot;
  const specs = options.specs ?? catalog;
  const planned = new Map<string, PlannedImage>();
  const visiting = new Set<string>();

  const plan = (spec: ImageSpec): PlannedImage => {
    const done = planned.get(spec.name);
    if (done) return done;
    if (visiting.has(spec.name)) throw new Error(`image catalog: ${spec.name} is its own ancestor`);
    visiting.add(spec.name);

    const pulled = mode === 'upstream' && spec.upstream !== undefined;
    const kind: PlannedImage['kind'] = pulled ? 'pull' : spec.rootfs ? 'rootfs' : 'dockerfile';
    const recipeDir = path.join(root, pulled ? UPSTREAM_RECIPE : spec.recipe);
    if (!fs.existsSync(recipeDir)) throw new Error(`image catalog: recipe directory ${recipeDir} is missing`);

    let parent: PlannedImage | undefined;
    if (kind === 'dockerfile' && spec.parent) {
      const parentSpec = specs.find((s) => s.name === spec.parent);
      if (!parentSpec) throw new Error(`image catalog: ${spec.name} names an unknown parent ${spec.parent}`);
      parent = plan(parentSpec);
    }

    const inputs: Record<string, string> = {};
    if (kind === 'pull') inputs.upstream = spec.upstream!;
    if (kind === 'rootfs') {
      const mirrors = options.mirrors ?? hostDebianMirrors();
      inputs.mirror = mirrors.mirror;
      inputs.security = mirrors.security;
      if (spec.suite) inputs.suite = spec.suite;
    }

    const files = readRecipeFiles(recipeDir);
    const hash = hashRecipe({ name: spec.name, mode, files, parentHash: parent?.hash, inputs });
    const item: PlannedImage = {
      name: spec.name,
      kind,
      recipeDir,
      files: files.map((f) => f.path),
      parent: parent?.name,
      upstream: pulled ? spec.upstream : undefined,
      inputs,
      hash,
      ref: `${spec.name}:${hash}`,
      tags: spec.tags,
    };
    visiting.delete(spec.name);
    planned.set(spec.name, item);
    return item;
  };

  for (const spec of specs) plan(spec);
  // Map insertion order is completion order: every parent precedes its children.
  return [...planned.values()];
}
