/**
 * `npm run bench:site`: the guide's figures, each next to its goal. Lighthouse (the npm package,
 * driving the system Chromium) on the home page and two guide pages with the desktop and the
 * mobile preset; the JavaScript a guide page loads before any terminal is opened; and how long
 * search takes from a keystroke to results on the page. Prints numbers; never fails on them.
 */
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { loadConfig } from '../lab-server/config';
import { createLabServer, PROJECT_ROOT } from '../lab-server/http/server';
import { createLogger } from '../lab-server/log';
import { runPreflight } from '../lab-server/preflight';
import { line, percentile } from './stats';

/** Runs per Lighthouse figure (the median is printed); 0 skips Lighthouse. */
const LIGHTHOUSE_RUNS = Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 1);
const SEARCH_ROUNDS = Number(process.env.BENCH_SEARCH_ROUNDS ?? 3);
const PAGES = ['/', '/guide/first-commands', '/guide/resource-limits'];
const JS_PAGE = '/guide/resource-limits';
const SEARCH_QUERIES = ['--cpu-shares', 'apptainer', 'overlay', 'volume', 'namespace', 'compose', 'registry', 'docker run', 'cgroup', 'port'];
const CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const config = loadConfig([], { ...process.env, LAB_DATA_DIR: '.lab-data/bench', PORT: '0', LOG_LEVEL: 'silent' }, PROJECT_ROOT);

const median = (values: number[]) => percentile(values, 50);
const score = (value: number | null | undefined) => (value == null ? Number.NaN : Math.round(value * 100));

interface Scores {
  performance: number;
  accessibility: number;
  bestPractices: number;
  /** Largest contentful paint and total blocking time (ms), cumulative layout shift. */
  lcp: number;
  tbt: number;
  cls: number;
}

async function lighthouseScores(url: string, preset: 'desktop' | 'mobile', port: number): Promise<Scores> {
  const runs: Scores[] = [];
  for (let i = 0; i < LIGHTHOUSE_RUNS; i++) {
    const result = await lighthouse(
      url,
      { port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices'] },
      preset === 'desktop' ? desktopConfig : undefined,
    );
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    const { categories, audits } = result.lhr;
    runs.push({
      performance: score(categories.performance?.score),
      accessibility: score(categories.accessibility?.score),
      bestPractices: score(categories['best-practices']?.score),
      lcp: audits['largest-contentful-paint']?.numericValue ?? Number.NaN,
      tbt: audits['total-blocking-time']?.numericValue ?? Number.NaN,
      cls: audits['cumulative-layout-shift']?.numericValue ?? Number.NaN,
    });
  }
  return {
    performance: median(runs.map((run) => run.performance)),
    accessibility: median(runs.map((run) => run.accessibility)),
    bestPractices: median(runs.map((run) => run.bestPractices)),
    lcp: median(runs.map((run) => run.lcp)),
    tbt: median(runs.map((run) => run.tbt)),
    cls: median(runs.map((run) => run.cls)),
  };
}

/**
 * The JavaScript files a guide page fetches in a fresh browser (a modern browser skips
 * `nomodule` polyfills, so they are not counted), gzipped at level 9 like Next's build report.
 */
async function firstLoadJs(page: Page, url: string): Promise<{ files: number; gzipBytes: number; rawBytes: number; xterm: boolean }> {
  const scripts = new Map<string, Promise<Buffer>>();
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script' && response.ok()) scripts.set(response.url(), response.body());
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  let gzipBytes = 0;
  let rawBytes = 0;
  let xterm = false;
  for (const body of await Promise.all(scripts.values())) {
    rawBytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
    if (body.includes('xterm-helper-textarea')) xterm = true;
  }
  return { files: scripts.size, gzipBytes, rawBytes, xterm };
}

/**
 * Runs in the page: from an empty box (status cleared) to the status line announcing the
 * query's results, with performance.now(). Kept as source text so the bench's TypeScript
 * loader cannot inject helpers into it.
 */
const MEASURE_SEARCH = `function (text) {
  return new Promise(function (resolve, reject) {
    var input = document.querySelector('dialog[open] input[type="search"]');
    var status = input && document.getElementById(input.getAttribute('aria-describedby') || '');
    if (!input || !status) return reject(new Error('no search input'));
    var setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    function type(value) {
      setValue.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    function answered() {
      return /results?[ .]|No results/.test(status.textContent || '');
    }
    var timer = setTimeout(function () { reject(new Error('no results for "' + text + '" within 10 s')); }, 10000);
    type('');
    requestAnimationFrame(function () {
      if (answered()) return reject(new Error('the status did not clear'));
      var started = performance.now();
      var observer = new MutationObserver(function () {
        if (!answered()) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve(performance.now() - started);
      });
      observer.observe(status, { childList: true, characterData: true, subtree: true });
      type(text);
    });
  });
}`;

/** Keystroke → results list updated, measured in the page with performance.now(). */
async function searchLatency(page: Page): Promise<{ cold: number[]; warm: number[] }> {
  await page.goto('/guide/images', { waitUntil: 'networkidle' });
  const dialog = page.getByRole('dialog', { name: 'Search the guide' });
  const deadline = Date.now() + 20_000;
  while (!(await dialog.isVisible())) {
    if (Date.now() > deadline) throw new Error('the search dialog did not open');
    await page.keyboard.press('Control+k');
    await dialog.waitFor({ state: 'visible', timeout: 1_000 }).catch(() => undefined);
  }
  // The index is loaded when the first query has answered.
  await dialog.getByRole('searchbox').fill('docker');
  await dialog.getByRole('list', { name: 'Results' }).getByRole('link').first().waitFor({ timeout: 20_000 });

  const measure = (query: string) => page.evaluate<number>(`(${MEASURE_SEARCH})(${JSON.stringify(query)})`);

  const cold: number[] = [];
  const warm: number[] = [];
  for (let round = 0; round < SEARCH_ROUNDS; round++) {
    for (const query of SEARCH_QUERIES) (round === 0 ? cold : warm).push(await measure(query));
  }
  return { cold, warm };
}

async function main(): Promise<void> {
  process.stderr.write('preflight…\n');
  const { docker, chromiumPath } = await runPreflight(config, { projectRoot: PROJECT_ROOT, site: true, chromium: true });
  if (!chromiumPath) throw new Error('no Chromium');
  const lab = await createLabServer(config, { docker, logger: createLogger('silent', false) });
  const base = await lab.listen();
  process.stdout.write(`\nbench:site — ${new Date().toISOString()} — ${base}, Lighthouse ${LIGHTHOUSE_RUNS} run(s) per figure (median)\n\n`);

  const chrome = LIGHTHOUSE_RUNS > 0 ? await chromeLauncher.launch({ chromePath: chromiumPath, chromeFlags: CHROME_FLAGS }) : undefined;
  try {
    for (const preset of chrome ? (['desktop', 'mobile'] as const) : []) {
      const goal = preset === 'desktop' ? 95 : 90;
      for (const path of PAGES) {
        const scores = await lighthouseScores(base + path, preset, chrome!.port);
        line(
          `Lighthouse ${preset} ${path}`,
          `perf ${scores.performance}  a11y ${scores.accessibility}  best practices ${scores.bestPractices}  (LCP ${Math.round(scores.lcp)} ms, TBT ${Math.round(scores.tbt)} ms, CLS ${scores.cls.toFixed(3)})`,
          `perf ≥ ${goal}, a11y 100, best practices ≥ 95`,
        );
      }
    }
  } finally {
    await chrome?.kill();
  }

  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROME_FLAGS.filter((flag) => flag !== '--headless') });
  try {
    const js = await firstLoadJs(await (await browser.newContext({ baseURL: base })).newPage(), JS_PAGE);
    line(
      `first-load JS of ${JS_PAGE}, no terminal open`,
      `${(js.gzipBytes / 1024).toFixed(1)} KB gzipped (${(js.rawBytes / 1024).toFixed(0)} KB raw, ${js.files} files, xterm ${js.xterm ? 'LOADED' : 'not loaded'})`,
      '≤ 150 KB gzipped, no xterm',
    );
    const search = await searchLatency(await (await browser.newContext({ baseURL: base })).newPage());
    line(
      'search query → results, first time each query',
      `p50 ${percentile(search.cold, 50).toFixed(1)} ms  p95 ${percentile(search.cold, 95).toFixed(1)} ms  (n=${search.cold.length})`,
      '≤ 100 ms',
    );
    line(
      'search query → results, index loaded',
      `p50 ${percentile(search.warm, 50).toFixed(1)} ms  p95 ${percentile(search.warm, 95).toFixed(1)} ms  (n=${search.warm.length})`,
      '≤ 100 ms',
    );
  } finally {
    await browser.close();
  }
  await lab.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
    process.exit(1);
  },
);
