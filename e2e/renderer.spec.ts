import { expect, test } from '@playwright/test';
import { capture, endLab, pane, PROMPT, waitForBuffer, waitForShell, withHook } from './lab-helpers';

/** WebGL rendering is opt-in: the DOM renderer stays the default (screen readers, tests). */
test.describe.configure({ timeout: 120_000 });

test('GPU rendering switches the terminal to WebGL and back; the choice survives a reload', async ({ page, context }) => {
  await withHook(context);
  try {
    await page.goto('/guide/first-commands');
    await page.getByRole('button', { name: 'Start lab' }).click();
    await waitForShell(page);
    const renderer = () => page.evaluate(() => window.__LAB_E2E__?.panes['1']?.renderer());
    expect(await renderer()).toBe('dom');

    const toggle = page.getByRole('button', { name: 'GPU rendering' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(renderer, { timeout: 15_000 }).toBe('webgl');
    await expect(pane(page).locator('canvas').first()).toBeAttached();
    expect(await capture(page, 'echo drawn-by-$((6*7))')).toBe('drawn-by-42');

    await page.reload();
    // WebGL draws on a canvas: no DOM rows to read, so the prompt is read from the buffer.
    await expect(pane(page)).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await waitForBuffer(page, '1', PROMPT);
    await expect(page.getByRole('button', { name: 'GPU rendering' })).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(renderer, { timeout: 15_000 }).toBe('webgl');

    await page.getByRole('button', { name: 'GPU rendering' }).click();
    await expect.poll(renderer).toBe('dom');
    expect(await capture(page, 'echo back-to-dom')).toBe('back-to-dom');
    await expect(pane(page).locator('.xterm-rows')).toContainText('back-to-dom');
  } finally {
    await endLab(context);
  }
});
