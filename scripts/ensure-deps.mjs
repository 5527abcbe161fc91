// Runs before `npm start` and `npm test` (plain JavaScript: it must work before anything is installed).
// Installs the npm dependencies when node_modules is missing or older than package-lock.json,
// so a fresh clone needs no separate install step.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mtime = (file) => {
  try {
    return statSync(path.join(root, file)).mtimeMs;
  } catch {
    return undefined;
  }
};

const lock = mtime('package-lock.json');
const installed = mtime('node_modules/.package-lock.json');
if (installed !== undefined && lock !== undefined && installed >= lock) process.exit(0);

process.stderr.write('• npm dependencies: installing (npm ci)…\n');
const started = Date.now();
const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write('\n✗ npm ci failed (see above).\n  → Check your network access to the npm registry, then run npm start again.\n');
  process.exit(result.status ?? 1);
}
process.stderr.write(`✓ npm dependencies (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
