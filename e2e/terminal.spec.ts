import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { bufferText, capture, endLab, pane, typeLine as run, waitForBuffer, waitForShell, withHook } from './lab-helpers';

/**
 * Live terminals in real Chromium against the real lab server and real Docker: start the lab
 * from a guide page, type, Run buttons, reload and network blips mid-stream, resize, isolation
 * between learners, Unicode, keyboard escape, and that xterm only loads with a terminal.
 *
 * The visible rows are read from the DOM renderer (`.xterm-rows`); the whole buffer (scrollback
 * included) through a test hook the terminal pane fills when `window.__LAB_E2E__` exists.
 */

const GUIDE = '/guide/first-commands';

test.describe.configure({ timeout: 120_000 });

test.afterEach(async ({ context }) => {
  await endLab(context);
});

async function startLab(page: Page): Promise<void> {
  await page.goto(GUIDE);
  await page.getByRole('button', { name: 'Start lab' }).click();
  await waitForShell(page);
}

test.describe('live terminal', () => {
  test('Start lab opens a root shell in a pane; typed commands run', async ({ page, context }) => {
    await withHook(context);
    await page.goto(GUIDE);
    // Space is reserved only once the lab opens; before that there is no dock.
    await expect(page.locator('#lab-dock')).toHaveCount(0);
    await page.getByRole('button', { name: 'Start lab' }).click();
    await expect(page.locator('#lab-dock')).toBeVisible();
    await expect(page.getByTestId('lab-state')).toHaveText(/Starting|Ready|Loading/);
    await waitForShell(page);
    await expect(page.getByTestId('lab-state')).toHaveText('Ready');

    await run(page, 'echo hello-$((6*7))');
    await expect(pane(page).locator('.xterm-rows')).toContainText('hello-42');
    expect(await capture(page, 'id -u')).toBe('0');

    // The header shows the time left and the latency indicator appears.
    await expect(page.locator('.lab-time')).toContainText(/\d+:\d\d left/);
    await expect(pane(page).getByTestId('latency')).toHaveText(/^\d+ ms$/, { timeout: 15_000 });
  });

  test('xterm code loads only with a terminal', async ({ page }) => {
    const xtermLoaded = () =>
      page.evaluate(async () => {
        const scripts = performance
          .getEntriesByType('resource')
          .map((entry) => entry.name)
          .filter((name) => /\.js(\?|$)/.test(name));
        for (const src of scripts) {
          const text = await (await fetch(src)).text();
          if (text.includes('xterm-helper-textarea')) return true;
        }
        return false;
      });
    await page.goto(GUIDE);
    await expect(page.locator('article h1')).toHaveText('First commands');
    await page.waitForLoadState('networkidle');
    expect(await xtermLoaded()).toBe(false);
    await page.getByRole('button', { name: 'Start lab' }).click();
    await waitForShell(page);
    expect(await xtermLoaded()).toBe(true);
  });

  test('a Run button types its command into the pane, starting the lab first', async ({ page, context }) => {
    await withHook(context);
    await page.goto(GUIDE);
    const block = page.locator('.code-block').filter({ has: page.locator('pre', { hasText: /^hostname$/ }) });
    await block.getByRole('button', { name: /^Run in terminal 1/ }).click();
    await waitForShell(page);
    await expect(page.getByTestId('lab-announcer')).toHaveText('Sent to terminal 1', { timeout: 30_000 });
    const text = await waitForBuffer(page, '1', /# hostname\n\S+\n/);
    const printed = /# hostname\n(\S+)\n/.exec(text)![1];
    expect(await capture(page, 'cat /etc/hostname')).toBe(printed);
  });

  test('Run buttons with term=2 open a second pane, and interrupt sends Ctrl-C first', async ({ page, context }) => {
    await withHook(context);
    await startLab(page);
    await run(page, 'sleep 600');

    const logs = page.locator('button[data-command="docker logs -f web2"]');
    await expect(logs).toHaveAttribute('data-term', '2');
    await logs.click();
    await waitForShell(page, '2');
    await expect(page.getByRole('tab', { name: 'Terminal 2' })).toHaveAttribute('aria-selected', 'true');
    await waitForBuffer(page, '2', /docker logs -f web2/);

    const tail = page.locator('button[data-command="docker logs --tail 2 -t web2"]');
    await tail.click();
    // Ctrl-C stops what ran there (the -f), then the command is typed at a fresh prompt.
    await waitForBuffer(page, '2', /\^C[\s\S]*docker logs --tail 2 -t web2/);
    // Pane 1 was left alone.
    expect(await bufferText(page, '1')).not.toContain('docker logs');
  });

  test('more panes: up to four, each its own shell', async ({ page, context }) => {
    await withHook(context);
    await startLab(page);
    const add = page.getByRole('button', { name: 'New terminal' });
    for (const id of ['2', '3', '4']) {
      await add.click();
      await waitForShell(page, id);
    }
    await expect(add).toBeDisabled();
    const pids = new Set<string>();
    for (const id of ['1', '2', '3', '4']) {
      await page.getByRole('tab', { name: `Terminal ${id}` }).click();
      pids.add(await capture(page, 'echo $$', id));
    }
    expect(pids.size).toBe(4);

    // Side by side: all four visible at once, each sized to its own box.
    await page.getByRole('button', { name: 'Side by side' }).click();
    for (const id of ['1', '2', '3', '4']) await expect(pane(page, id)).toBeVisible();
  });

  test('a reload during heavy output comes back to the same shell, screen intact', async ({ page, context }) => {
    await withHook(context);
    await startLab(page);
    const pid = await capture(page, 'echo $$');
    await run(page, 'seq 1 200000; echo END-OF-SEQ');
    await waitForBuffer(page, '1', /^\d{4,}$/m);
    await page.reload();

    // The lab re-opens by itself, with a snapshot of the screen, then the rest of the output.
    await expect(pane(page)).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    const text = await waitForBuffer(page, '1', /^END-OF-SEQ$/m, 60_000);
    const lines = text.split('\n');
    expect(lines.filter((line) => line === 'END-OF-SEQ')).toHaveLength(1);
    // Every number the buffer still holds is there once, in order, up to the last: no gap, no repeat.
    const numbers = lines.filter((line) => /^\d+$/.test(line)).map(Number);
    expect(numbers.at(-1)).toBe(200000);
    const first = numbers[0]!;
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => first + i));

    expect(await capture(page, 'echo $$')).toBe(pid);
    await run(page, 'echo AFTER-RELOAD');
    await waitForBuffer(page, '1', /^AFTER-RELOAD$/m);
    expect((await bufferText(page)).match(/^AFTER-RELOAD$/gm)).toHaveLength(1);
  });

  test('a network blip mid-stream replays exactly what was missed', async ({ page, context }) => {
    await withHook(context);
    await startLab(page);
    await run(page, 'clear; seq 1 3000 | while read n; do echo "n$n"; sleep 0.001; done; echo BLIP-DONE');
    await waitForBuffer(page, '1', /^n200$/m);
    await page.evaluate(() => window.__LAB_E2E__!.panes['1']!.drop());
    await expect(pane(page)).toHaveAttribute('data-state', 'reconnecting');
    await expect(pane(page)).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    const text = await waitForBuffer(page, '1', /^BLIP-DONE$/m, 60_000);
    const numbers = text
      .split('\n')
      .filter((line) => /^n\d+$/.test(line))
      .map((line) => Number(line.slice(1)));
    expect(numbers).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
  });

  test('resizing the window resizes the shell’s terminal', async ({ page, context }) => {
    await withHook(context);
    await page.setViewportSize({ width: 1200, height: 800 });
    await startLab(page);
    const size = async () => {
      const cols = await pane(page).getAttribute('data-cols');
      const rows = await pane(page).getAttribute('data-rows');
      return `${rows} ${cols}`;
    };
    await expect.poll(async () => capture(page, 'stty size')).toBe(await size());

    await page.setViewportSize({ width: 900, height: 700 });
    await expect.poll(size).not.toBe('');
    const before = await size();
    await expect.poll(async () => (await capture(page, 'stty size')) === (await size()), { timeout: 15_000 }).toBe(true);

    // The wide layout (terminal on the right) changes both dimensions again.
    await page.setViewportSize({ width: 1600, height: 900 });
    await expect.poll(size).not.toBe(before);
    await expect.poll(async () => (await capture(page, 'stty size')) === (await size()), { timeout: 15_000 }).toBe(true);
  });

  test('full-screen programs work (vim, htop)', async ({ page, context }) => {
    await withHook(context);
    await startLab(page);
    await run(page, 'vi /tmp/note.txt');
    await expect(pane(page).locator('.xterm-rows')).toContainText('~', { timeout: 15_000 });
    await page.keyboard.type('ihello from vim');
    await page.keyboard.press('Escape');
    await page.keyboard.type(':wq');
    await page.keyboard.press('Enter');
    expect(await capture(page, 'cat /tmp/note.txt')).toBe('hello from vim');

    await run(page, 'htop');
    await expect(pane(page).locator('.xterm-rows')).toContainText(/F10\s*Quit|Quit/, { timeout: 15_000 });
    await page.keyboard.press('q');
    await expect(pane(page).locator('.xterm-rows')).not.toContainText('F10', { timeout: 10_000 });
  });

  test('Unicode (CJK, emoji, combining marks) comes back intact', async ({ page, context }) => {
    await withHook(context);
    await startLab(page);
    const fixture = '漢字かな 한국어 🐳🚀 e\u0301 café ñ';
    await pane(page).locator('.xterm-screen').click();
    await page.keyboard.type('printf "%s\\n" \'');
    await page.keyboard.insertText(fixture);
    await page.keyboard.type("' | tee /tmp/u.txt | wc -c");
    await page.keyboard.press('Enter');
    await waitForBuffer(page, '1', new RegExp(`^${new TextEncoder().encode(`${fixture}\n`).length}$`, 'm'));
    const printed = await capture(page, 'cat /tmp/u.txt');
    expect(printed.normalize('NFC')).toBe(fixture.normalize('NFC'));
  });

  test('Esc then Tab leaves the terminal (no keyboard trap); Tab alone stays', async ({ page }) => {
    await startLab(page);
    const textarea = pane(page).locator('textarea.xterm-helper-textarea');
    await pane(page).locator('.xterm-screen').click();
    await expect(textarea).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(textarea).toBeFocused();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await expect(textarea).not.toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(textarea).toBeFocused();
    // The Esc that went to the shell does not turn the next key into a Meta command.
    await page.keyboard.type('echo back-$((1+1))');
    await page.keyboard.press('Enter');
    await expect(pane(page).locator('.xterm-rows')).toContainText('back-2');
  });

  test('paste by keyboard, and find in the terminal', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await withHook(context);
    await startLab(page);
    await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((40+2))'));
    await pane(page).locator('.xterm-screen').click();
    await page.keyboard.press('Control+Shift+V');
    await page.keyboard.press('Enter');
    await waitForBuffer(page, '1', /^pasted-42$/m);

    await page.keyboard.press('Control+Shift+F');
    const search = pane(page).getByRole('searchbox', { name: 'Text to find' });
    await expect(search).toBeFocused();
    await search.fill('pasted-42');
    await search.press('Enter');
    await expect(pane(page).getByText('No matches')).toHaveCount(0);
    await search.fill('not-on-screen-xyz');
    await search.press('Enter');
    await expect(pane(page).getByText('No matches')).toBeVisible();
    await search.press('Escape');
    await expect(pane(page).locator('textarea.xterm-helper-textarea')).toBeFocused();
  });

  test('the lab header: extend, then end (confirmed)', async ({ page }) => {
    await startLab(page);
    const extend = page.getByRole('button', { name: 'Extend' });
    if (await extend.isEnabled()) {
      const before = await page.locator('.lab-time').textContent();
      await extend.click();
      await expect(page.getByTestId('lab-announcer')).toHaveText(/extended/, { timeout: 15_000 });
      expect(before).toBeTruthy();
    }
    await page.getByRole('button', { name: 'End', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'End the lab?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'End lab' }).click();
    await expect(page.getByTestId('lab-state')).toHaveText('Ended', { timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Start a new lab' }).first()).toBeVisible();
  });

  test('/lab is a full-window playground with the same terminals', async ({ page }) => {
    await page.goto('/lab');
    await page.getByRole('button', { name: 'Start lab' }).click();
    await waitForShell(page);
    const box = await pane(page).boundingBox();
    const viewport = page.viewportSize()!;
    expect(box!.height).toBeGreaterThan(viewport.height * 0.6);
  });
});

test.describe('isolation', () => {
  async function learner(context: BrowserContext): Promise<Page> {
    await withHook(context);
    const page = await context.newPage();
    await startLab(page);
    return page;
  }

  test('two learners get different workspaces', async ({ browser }) => {
    const contexts = [await browser.newContext(), await browser.newContext()];
    try {
      const [a, b] = (await Promise.all(contexts.map((context) => learner(context)))) as [Page, Page];
      // Every workspace is called "lab"; the container id shows in the source of its /etc/hostname mount.
      const containerId = "grep -o 'containers/[0-9a-f]\\{64\\}' /proc/self/mountinfo | head -n 1";
      const idA = await capture(a, containerId);
      const idB = await capture(b, containerId);
      expect(idA).toMatch(/^containers\/[0-9a-f]{64}$/);
      expect(idB).toMatch(/^containers\/[0-9a-f]{64}$/);
      expect(idA).not.toBe(idB);
      await capture(a, 'echo secret-of-a > /root/only-a.txt');
      expect(await capture(b, 'cat /root/only-a.txt 2>&1 || true')).toMatch(/No such file/);
    } finally {
      await Promise.all(contexts.map((context) => endLab(context)));
      await Promise.all(contexts.map((context) => context.close()));
    }
  });

  test('the same lab opened in a second tab takes the pane over; "Use here" takes it back', async ({ browser }) => {
    const context = await browser.newContext();
    try {
      const first = await learner(context);
      const pid = await capture(first, 'echo $$');

      const second = await context.newPage();
      await second.goto(GUIDE);
      await second.getByRole('button', { name: 'Start lab' }).click();
      await waitForShell(second);
      expect(await capture(second, 'echo $$')).toBe(pid);

      await expect(pane(first)).toHaveAttribute('data-state', 'superseded');
      await expect(pane(first)).toContainText('This terminal is open in another tab');
      await pane(first).getByRole('button', { name: 'Use here' }).click();
      await expect(pane(first)).toHaveAttribute('data-state', 'ready');
      await expect(pane(second)).toHaveAttribute('data-state', 'superseded');
    } finally {
      await endLab(context);
      await context.close();
    }
  });
});

test.describe('when things stop', () => {
  test('a shell that exits says so and offers a new shell in the same workspace', async ({ page, context }) => {
    await withHook(context);
    await startLab(page);
    await capture(page, 'echo kept > /root/kept.txt');
    await run(page, 'exit');
    await expect(pane(page)).toHaveAttribute('data-state', 'exited');
    await expect(pane(page)).toContainText('Shell exited');
    await expect(page.getByTestId('lab-state')).toHaveText('Ready');
    await pane(page).getByRole('button', { name: 'New shell' }).click();
    await waitForShell(page);
    expect(await capture(page, 'cat /root/kept.txt')).toBe('kept');
  });

  test('a workspace that runs out of memory says so, and a new lab starts fresh', async ({ page, context }) => {
    await withHook(context);
    await startLab(page);
    await capture(page, 'echo old > /root/old.txt');
    // Make the workspace's init the out-of-memory killer's first choice, then exceed the limit.
    await run(page, 'echo 1000 > /proc/1/oom_score_adj; head -c 700m /dev/zero | tail > /dev/null');
    await expect(page.getByTestId('lab-state')).toHaveText('Ended', { timeout: 60_000 });
    const banner = page.locator('.lab-banner');
    await expect(banner).toContainText(/ran out of memory \(its limit is \d+ MiB\)/);
    await expect(pane(page)).not.toContainText('Shell exited');
    await banner.getByRole('button', { name: 'Start a new lab' }).click();
    await waitForShell(page);
    expect(await capture(page, 'cat /root/old.txt 2>/dev/null || echo fresh')).toBe('fresh');
  });

  test('the idle warning: “I’m still here” and typing both keep the lab running', async ({ page, context }) => {
    await withHook(context);
    await startLab(page);
    // Stand in for 25 quiet minutes: the status the page polls says the idle stop is 4 minutes away.
    let nearIdle = true;
    await page.route('**/api/lab/session', async (route) => {
      if (route.request().method() !== 'GET' || !nearIdle) return route.fallback();
      const response = await route.fetch();
      const body = (await response.json()) as Record<string, unknown>;
      await route.fulfill({ response, json: { ...body, idleDeadline: Date.now() + 4 * 60_000 } });
    });
    const warning = page.getByTestId('lab-idle-warning');
    const poll = () => page.evaluate(() => window.dispatchEvent(new Event('online')));
    await poll();
    await expect(warning).toContainText(/the lab stops in 3:5\d/);
    await expect(page.getByTestId('lab-announcer')).toHaveText(/No input for a while/);

    nearIdle = false;
    const keepAlive = page.waitForRequest((request) => request.url().endsWith('/api/lab/session/keepalive') && request.method() === 'POST');
    await warning.getByRole('button', { name: 'I’m still here' }).click();
    await keepAlive;
    await expect(warning).toHaveCount(0);

    nearIdle = true;
    await poll();
    await expect(warning).toBeVisible();
    nearIdle = false;
    const typed = page.waitForRequest((request) => request.url().endsWith('/api/lab/session/keepalive'));
    await pane(page).locator('.xterm-screen').click();
    await page.keyboard.type('x');
    await typed;
    await expect(warning).toHaveCount(0);
  });
});
