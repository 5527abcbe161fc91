/**
 * Browser-side figures for `npm run bench:lab`, in real Chromium (the system's, as the e2e tests
 * use) against a lab server that serves the guide: keystroke → rendered, the same while another
 * visible pane floods, and output throughput into the DOM renderer with the longest frame seen.
 */
import { chromium, type Page } from '@playwright/test';

const KEY_SAMPLES = Number(process.env.BENCH_KEY_SAMPLES ?? 150);
const THROUGHPUT_MB = Number(process.env.BENCH_THROUGHPUT_MB ?? 16);

/** What the page carries for this benchmark (the e2e pane hook, and our own timestamps). */
type BenchWindow = Window & {
  __LAB_E2E__: { panes: Record<string, { seq(): number | null }> };
  __bench: { keydownAt: number; longest: number };
};

const pane = (page: Page, id: string) => page.locator(`.term-pane[data-pane-id="${id}"]`);

async function typeLine(page: Page, id: string, text: string): Promise<void> {
  await pane(page, id).locator('.xterm-screen').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/**
 * keydown (in the page) → pane `id`'s rows changed. The DOM renderer changes the rows inside its
 * animation-frame callback, so this is the frame the echo is painted in (waiting for another
 * requestAnimationFrame would add a whole frame that the learner does not see).
 */
async function keystrokes(page: Page, id: string, samples: number): Promise<number[]> {
  await typeLine(page, id, 'cat');
  await page.waitForTimeout(300);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const measured = page.evaluate(
      (paneId) =>
        new Promise<number>((resolve, reject) => {
          const rows = document.querySelector(`.term-pane[data-pane-id="${paneId}"] .xterm-rows`)!;
          const timer = setTimeout(() => reject(new Error('no echo rendered')), 5000);
          const observer = new MutationObserver(() => {
            observer.disconnect();
            clearTimeout(timer);
            resolve(performance.now() - (window as unknown as BenchWindow).__bench.keydownAt);
          });
          observer.observe(rows, { childList: true, subtree: true, characterData: true });
        }),
      id,
    );
    await page.keyboard.press(String.fromCharCode(97 + (i % 26)));
    out.push(await measured);
    await page.waitForTimeout(20);
  }
  await page.keyboard.press('Control+C');
  return out;
}

export interface BrowserFigures {
  echo: number[];
  echoUnderFlood: number[];
  throughputMBs: number;
  longestFrameMs: number;
  megabytes: number;
}

export async function browserFigures(base: string, executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): Promise<BrowserFigures> {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript(() => {
      const w = window as unknown as BenchWindow;
      w.__LAB_E2E__ = { panes: {} };
      w.__bench = { keydownAt: 0, longest: 0 };
      document.addEventListener('keydown', () => (w.__bench.keydownAt = performance.now()), true);
      try {
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) w.__bench.longest = Math.max(w.__bench.longest, entry.duration);
        }).observe({ type: 'long-animation-frame', buffered: false });
      } catch {
        // older Chromium: no long-animation-frame entries
      }
    });
    const page = await context.newPage();
    await page.goto(`${base}/lab`);
    await page.getByRole('button', { name: 'Start lab' }).click();
    await pane(page, '1').and(page.locator('[data-state="ready"]')).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(500);
    const echo = await keystrokes(page, '1', KEY_SAMPLES);

    // A second pane, side by side (both rendered), floods while the first echoes.
    await page.getByRole('button', { name: 'New terminal' }).click();
    await page.getByRole('button', { name: 'Side by side' }).click();
    await pane(page, '2').and(page.locator('[data-state="ready"]')).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(500);
    await typeLine(page, '2', 'yes lab-flood-line');
    await page.waitForTimeout(1000);
    const echoUnderFlood = await keystrokes(page, '1', Math.min(KEY_SAMPLES, 100));
    await pane(page, '2').locator('.xterm-screen').click();
    await page.keyboard.press('Control+C');
    await page.waitForTimeout(1000);

    // Throughput: base64 of random bytes (printable, 201-byte lines) into pane 1, to its end marker.
    const seq = () => page.evaluate(() => (window as unknown as BenchWindow).__LAB_E2E__.panes['1']?.seq() ?? 0);
    await page.evaluate(() => ((window as unknown as BenchWindow).__bench.longest = 0));
    const before = await seq();
    const started = Date.now();
    await typeLine(page, '1', `head -c ${THROUGHPUT_MB}M /dev/urandom | base64 -w 200; echo THROUGHPUT-''DONE`);
    await pane(page, '1').locator('.xterm-rows').getByText('THROUGHPUT-DONE').waitFor({ timeout: 300_000 });
    const seconds = (Date.now() - started) / 1000;
    const bytes = (await seq()) - before;
    const longestFrameMs = await page.evaluate(() => (window as unknown as BenchWindow).__bench.longest);
    await page.evaluate(() => fetch('/api/lab/session', { method: 'DELETE' }));
    return { echo, echoUnderFlood, throughputMBs: bytes / 1024 / 1024 / seconds, longestFrameMs, megabytes: bytes / 1024 / 1024 };
  } finally {
    await browser.close();
  }
}
