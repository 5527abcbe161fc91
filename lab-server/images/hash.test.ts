import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalog, defaultRecipesRoot, planCatalog, type ImageSpec } from './catalog';
import { hashRecipe, readRecipeFiles, type RecipeFile } from './hash';

const mirrors = { mirror: 'http://deb.debian.org/debian', security: 'http://deb.debian.org/debian-security' };
const file = (p: string, content: string, executable = false): RecipeFile => ({ path: p, executable, content: Buffer.from(content) });

describe('hashRecipe', () => {
  const base = { name: 'httpd', mode: 'offline', files: [file('Dockerfile', 'FROM x\n'), file('index.html', '<h1>It works!</h1>')] };

  it('is 12 hex digits and stable', () => {
    const hash = hashRecipe(base);
    expect(hash).toMatch(/^[0-9a-f]{12}$/);
    expect(hashRecipe({ ...base })).toBe(hash);
  });

  it('does not depend on the order files are listed in', () => {
    expect(hashRecipe({ ...base, files: [...base.files].reverse() })).toBe(hashRecipe(base));
  });

  it('changes when a file, a path, the executable bit, the name, the mode, the parent or an input changes', () => {
    const hash = hashRecipe(base);
    const variants = [
      { ...base, files: [file('Dockerfile', 'FROM y\n'), base.files[1]!] },
      { ...base, files: [file('Dockerfile', 'FROM x\n'), file('index.htm', '<h1>It works!</h1>')] },
      { ...base, files: [file('Dockerfile', 'FROM x\n', true), base.files[1]!] },
      { ...base, files: [base.files[0]!] },
      { ...base, name: 'busybox' },
      { ...base, mode: 'upstream' },
      { ...base, parentHash: 'abcdef123456' },
      { ...base, inputs: { mirror: 'http://mirror.example/debian' } },
    ];
    const hashes = variants.map((v) => hashRecipe(v));
    for (const h of hashes) expect(h).not.toBe(hash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('keeps field boundaries apart (no ambiguity between a path and its content)', () => {
    expect(hashRecipe({ ...base, files: [file('ab', 'c')] })).not.toBe(hashRecipe({ ...base, files: [file('a', 'bc')] }));
  });
});

describe('readRecipeFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recipe-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists nested files sorted by /-separated path, with the executable bit', () => {
    fs.mkdirSync(path.join(dir, 'rootfs/etc'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'rootfs/etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
    fs.writeFileSync(path.join(dir, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const files = readRecipeFiles(dir);
    expect(files.map((f) => f.path)).toEqual(['Dockerfile', 'rootfs/etc/passwd', 'run.sh']);
    expect(files.map((f) => f.executable)).toEqual([false, false, true]);
  });
});

describe('planCatalog', () => {
  let root: string;
  const specs: ImageSpec[] = [
    { name: 'lab/base', tags: ['debian:bookworm'], recipe: 'base', rootfs: true, upstream: 'debian:bookworm' },
    { name: 'lab/workspace', tags: [], recipe: 'workspace', parent: 'lab/base' },
    { name: 'httpd', tags: ['httpd:2.4'], recipe: 'httpd', parent: 'lab/base', upstream: 'httpd:2.4' },
  ];
  const write = (rel: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  };
  const hashes = (mode: 'offline' | 'upstream' = 'offline') =>
    Object.fromEntries(planCatalog(mode, { recipesRoot: root, mirrors, specs }).map((p) => [p.name, p.hash]));

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'recipes-'));
    write('base/mkrootfs.sh', 'debootstrap\n');
    write('workspace/Dockerfile', 'ARG BASE\nFROM ${BASE}\n');
    write('httpd/Dockerfile', 'ARG BASE\nFROM ${BASE}\nEXPOSE 80\n');
    write('upstream/Dockerfile', 'ARG BASE\nFROM ${BASE}\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('puts parents first and names each image name:<hash>', () => {
    const plan = planCatalog('offline', { recipesRoot: root, mirrors, specs: [...specs].reverse() });
    expect(plan.map((p) => p.name)).toEqual(['lab/base', 'httpd', 'lab/workspace']);
    for (const item of plan) expect(item.ref).toBe(`${item.name}:${item.hash}`);
    expect(plan.find((p) => p.name === 'httpd')).toMatchObject({ kind: 'dockerfile', parent: 'lab/base', files: ['Dockerfile'] });
    expect(plan[0]).toMatchObject({ kind: 'rootfs', inputs: mirrors });
  });

  it('is stable across calls', () => {
    expect(hashes()).toEqual(hashes());
  });

  it('changes only the edited image when a child recipe changes', () => {
    const before = hashes();
    write('httpd/index.html', '<h1>It works!</h1>');
    const after = hashes();
    expect(after.httpd).not.toBe(before.httpd);
    expect(after['lab/base']).toBe(before['lab/base']);
    expect(after['lab/workspace']).toBe(before['lab/workspace']);
  });

  it('changes every child when the parent recipe changes', () => {
    const before = hashes();
    write('base/mkrootfs.sh', 'debootstrap --variant=minbase\n');
    const after = hashes();
    for (const name of ['lab/base', 'lab/workspace', 'httpd']) expect(after[name]).not.toBe(before[name]);
  });

  it('changes the base (and so its children) when the Debian mirror changes', () => {
    const before = hashes();
    const other = planCatalog('offline', { recipesRoot: root, mirrors: { ...mirrors, mirror: 'http://mirror.example/debian' }, specs });
    expect(other.map((p) => p.hash)).not.toContain(before['lab/base']);
    expect(other.map((p) => p.hash)).not.toContain(before['lab/workspace']);
  });

  it('pulls upstream images in upstream mode and builds the rest FROM the pulled base', () => {
    const offline = hashes('offline');
    const plan = planCatalog('upstream', { recipesRoot: root, mirrors, specs });
    const byName = Object.fromEntries(plan.map((p) => [p.name, p]));
    expect(byName['lab/base']).toMatchObject({ kind: 'pull', upstream: 'debian:bookworm', parent: undefined, inputs: { upstream: 'debian:bookworm' } });
    expect(byName.httpd).toMatchObject({ kind: 'pull', upstream: 'httpd:2.4', parent: undefined });
    expect(byName['lab/workspace']).toMatchObject({ kind: 'dockerfile', parent: 'lab/base' });
    for (const item of plan) expect(item.hash).not.toBe(offline[item.name]);
    expect(byName['lab/base']!.recipeDir).toBe(path.join(root, 'upstream'));
  });

  it('refuses unknown parents and missing recipe directories', () => {
    expect(() => planCatalog('offline', { recipesRoot: root, mirrors, specs: [{ name: 'x', tags: [], recipe: 'httpd', parent: 'nope' }] })).toThrow(/unknown parent/);
    expect(() => planCatalog('offline', { recipesRoot: root, mirrors, specs: [{ name: 'x', tags: [], recipe: 'nope' }] })).toThrow(/missing/);
  });
});

describe('the shipped catalog', () => {
  it('plans in both modes with the lab/workspace image built FROM the base', () => {
    for (const mode of ['offline', 'upstream'] as const) {
      const plan = planCatalog(mode, { mirrors });
      expect(plan.map((p) => p.name).sort()).toEqual(catalog.map((s) => s.name).sort());
      expect(plan[0]!.name).toBe('lab/base');
      expect(plan.find((p) => p.name === 'lab/workspace')).toMatchObject({ kind: 'dockerfile', parent: 'lab/base' });
    }
  });

  it('tags the names the guide uses', () => {
    const tags = catalog.flatMap((s) => s.tags);
    const used = ['debian:bookworm', 'debian:latest', 'debian:trixie', 'busybox:latest', 'httpd:latest', 'httpd:2.4'];
    used.push('mariadb:latest', 'mariadb:11.8', 'wordpress:latest', 'wordpress:6.8-apache', 'nginx:latest', 'registry:2');
    for (const tag of used) expect(tags).toContain(tag);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('builds debian:trixie with the suite as an input, and lab/base without one (its hash predates suites)', () => {
    const plan = planCatalog('offline', { mirrors });
    expect(plan.find((p) => p.name === 'lab/base-trixie')).toMatchObject({ kind: 'rootfs', inputs: { ...mirrors, suite: 'trixie' } });
    expect(plan.find((p) => p.name === 'lab/base')!.inputs).toEqual(mirrors);
    for (const name of ['mariadb', 'wordpress', 'nginx', 'registry']) expect(plan.find((p) => p.name === name)).toMatchObject({ kind: 'dockerfile', parent: 'lab/base-trixie' });
  });

  it('has Dockerfiles that take the BASE build argument, and an executable httpd-foreground', () => {
    for (const recipe of ['workspace', 'httpd', 'busybox', 'upstream', 'mariadb', 'wordpress', 'nginx', 'registry']) {
      const dockerfile = fs.readFileSync(path.join(defaultRecipesRoot, recipe, 'Dockerfile'), 'utf8');
      expect(dockerfile).toMatch(/^ARG BASE$/m);
      expect(dockerfile).toMatch(/^FROM \$\{BASE\}/m);
    }
    const files = readRecipeFiles(path.join(defaultRecipesRoot, 'httpd'));
    expect(files.find((f) => f.path === 'httpd-foreground')?.executable).toBe(true);
    expect(files.find((f) => f.path === 'index.html')?.content.toString()).toBe('<html><body><h1>It works!</h1></body></html>\n');
  });
});
