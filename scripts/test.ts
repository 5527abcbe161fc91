/**
 * `npm test`: the preflight (engine, images, site, Chromium), then every suite in order —
 * type-check, lint, unit, integration (real engine), chaos (short form), end-to-end (real Chromium) — and one
 * closing line a CI reader understands: `total: N passed, N failed`.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../lab-server/config';
import { PROJECT_ROOT } from '../lab-server/http/server';
import { runPreflight } from '../lab-server/preflight';
import { describeFailure } from '../lab-server/preflight/progress';

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  note?: string;
}

const reportsDir = path.join(PROJECT_ROOT, '.lab-data', 'test', 'reports');
const bin = (name: string) => path.join(PROJECT_ROOT, 'node_modules', '.bin', name);

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function readJson<T>(file: string): Promise<T | undefined> {
  return readFile(file, 'utf8').then((text) => JSON.parse(text) as T, () => undefined);
}

async function timed(name: string, body: () => Promise<Omit<SuiteResult, 'name' | 'seconds'>>): Promise<SuiteResult> {
  process.stdout.write(`\n━━ ${name} ━━\n`);
  const started = performance.now();
  const result = await body();
  return { name, seconds: (performance.now() - started) / 1000, ...result };
}

/** A whole-program check (tsc, eslint) counts as one test: it passes or it does not. */
const check = (name: string, command: string, args: string[]) =>
  timed(name, async () => {
    const code = await run(command, args);
    return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 };
  });

const vitestProject = (project: 'unit' | 'integration' | 'chaos') =>
  timed(project, async () => {
    const output = path.join(reportsDir, `${project}.json`);
    const code = await run(bin('vitest'), ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${output}`]);
    const report = await readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(output);
    if (!report) return { passed: 0, failed: 1, skipped: 0, note: `vitest exited ${code} without a report` };
    const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
    return { passed: report.numPassedTests, failed, skipped: report.numPendingTests + report.numTodoTests, note: code !== 0 && report.numFailedTests === 0 ? `vitest exited ${code}` : undefined };
  });

const playwright = (chromiumPath: string | undefined) =>
  timed('e2e', async () => {
    const output = path.join(reportsDir, 'e2e.json');
    const code = await run(bin('playwright'), ['test'], { PLAYWRIGHT_JSON_OUTPUT_FILE: output, ...(chromiumPath ? { CHROMIUM_PATH: chromiumPath } : {}) });
    const report = await readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(output);
    if (!report) return { passed: 0, failed: 1, skipped: 0, note: `playwright exited ${code} without a report` };
    const { expected, unexpected, flaky, skipped } = report.stats;
    return { passed: expected + flaky, failed: unexpected + (code !== 0 && unexpected === 0 ? 1 : 0), skipped };
  });

async function main(): Promise<number> {
  const started = performance.now();
  const config = loadConfig([], { ...process.env, LAB_DATA_DIR: process.env.LAB_DATA_DIR ?? '.lab-data/test', PORT: '0' }, PROJECT_ROOT);
  let chromiumPath: string | undefined;
  try {
    ({ chromiumPath } = await runPreflight(config, { projectRoot: PROJECT_ROOT, site: true, chromium: true }));
  } catch (error) {
    process.stderr.write(`\n✗ ${describeFailure(error)}\n\ntotal: 0 passed, 1 failed\n`);
    return 1;
  }
  await rm(reportsDir, { recursive: true, force: true });
  await mkdir(reportsDir, { recursive: true });

  const results: SuiteResult[] = [];
  results.push(await check('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']));
  results.push(await check('lint', bin('eslint'), ['--max-warnings', '0', '.']));
  results.push(await vitestProject('unit'));
  results.push(await vitestProject('integration'));
  // The chaos suite's short form (CHAOS_LONG unset): every fault, smaller counts; `npm run test:chaos` is the long one.
  results.push(await vitestProject('chaos'));
  results.push(await playwright(chromiumPath));

  const total = results.reduce((sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
  process.stdout.write('\n━━ summary ━━\n');
  for (const r of results) {
    const status = r.failed > 0 ? 'FAIL' : 'ok  ';
    process.stdout.write(`${status} ${r.name.padEnd(12)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped  ${r.seconds.toFixed(1).padStart(6)} s${r.note ? `  (${r.note})` : ''}\n`);
  }
  process.stdout.write(`wall time ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`total: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`);
  return total.failed > 0 ? 1 : 0;
}

main().then((code) => process.exit(code));
