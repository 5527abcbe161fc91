import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Bump when the builder changes how images are made in a way the recipe files do not show. */
export const CATALOG_FORMAT = 1;

export interface RecipeFile {
  /** '/'-separated path relative to the recipe directory. */
  path: string;
  executable: boolean;
  content: Buffer;
}

/** Every regular file under `dir`, sorted by path. Symlinks and special files are refused. */
export function readRecipeFiles(dir: string): RecipeFile[] {
  const files: RecipeFile[] = [];
  const walk = (relative: string) => {
    const absolute = path.join(dir, relative);
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) {
        const full = path.join(dir, rel);
        files.push({ path: rel, executable: (fs.statSync(full).mode & 0o111) !== 0, content: fs.readFileSync(full) });
      } else throw new Error(`image recipe ${dir}: ${rel} is not a regular file`);
    }
  };
  walk('');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface RecipeHashInput {
  name: string;
  mode: string;
  files: readonly RecipeFile[];
  parentHash?: string | undefined;
  inputs?: Record<string, string>;
}

/** 12 hex digits of a sha256 over the name, mode, parent hash, extra inputs and files (path, mode bit, content). */
export function hashRecipe(input: RecipeHashInput): string {
  const h = createHash('sha256');
  const field = (value: string | Buffer) => {
    h.update(`${Buffer.byteLength(value)}:`);
    h.update(value);
  };
  field(`lab-image-catalog/${CATALOG_FORMAT}`);
  field(input.name);
  field(input.mode);
  field(input.parentHash ?? '');
  for (const key of Object.keys(input.inputs ?? {}).sort()) field(`${key}=${input.inputs![key]}`);
  const files = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of files) {
    field(`${file.path}:${file.executable ? 'x' : '-'}`);
    field(file.content);
  }
  return h.digest('hex').slice(0, 12);
}
