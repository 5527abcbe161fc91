import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { capture, endLab, waitForShell, withHook } from './lab-helpers';

/**
 * Checked steps in the browser: the learner types a step's command in their terminal and the
 * step ticks by itself (the visible step re-checks every 2 s on the server); a failing Check shows
 * the hint; the sidebar and /progress show the pass.
 */
test.describe.configure({ timeout: 180_000 });

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** axe on one step in the state it is in (hint shown, solution open, passed). */
async function axeStep(page: Page, id: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include(`[data-step-id="${id}"]`).withTags(WCAG_TAGS).analyze();
  return violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test('typing the step in the terminal ticks it without a click; a failing Check shows the hint; /progress shows it', async ({ browser }) => {
  const learner = await browser.newContext();
  try {
    await withHook(learner);
    const page = await learner.newPage();
    await page.goto('/guide/first-commands');
    await page.getByRole('button', { name: 'Start lab' }).click();
    await waitForShell(page);

    const step = page.locator('[data-step-id="two-web-servers"]');
    await step.scrollIntoViewIfNeeded();
    const bar = step.locator('.step-check');
    await page.getByRole('button', { name: 'Check: Run two web servers from one image' }).click();
    await expect(bar.getByRole('status')).toContainText('Not yet');
    await expect(bar.getByRole('status')).toContainText('Hint: Start both servers with');
    await expect(bar).toHaveAttribute('data-check-state', 'failed');

    // The solution is there for the asking.
    await step.getByText('Show solution').click();
    await expect(step.locator('.step-solution code')).toContainText('docker run -d --name web2 -p 8000:80 httpd');
    expect(await axeStep(page, 'two-web-servers')).toEqual([]);

    await step.scrollIntoViewIfNeeded();
    await capture(page, 'docker run -d --name web1 -p 80:80 httpd >/dev/null && docker run -d --name web2 -p 8000:80 httpd >/dev/null; echo started', '1', 90_000);
    const typedAt = Date.now();
    await step.scrollIntoViewIfNeeded();
    await expect(bar).toHaveAttribute('data-check-state', 'passed', { timeout: 8_000 });
    expect(Date.now() - typedAt).toBeLessThan(8_000);
    await expect(bar.getByRole('status')).toContainText('Done');
    await expect(step).toHaveAttribute('data-passed', 'true');
    await expect(page.getByTestId('chapter-tick-first-commands')).toBeAttached();
    expect(await axeStep(page, 'two-web-servers')).toEqual([]);

    await page.goto('/progress');
    await expect(page.locator('[data-step="first-commands/two-web-servers"]')).toHaveAttribute('data-passed', 'true');
    await expect(page.locator('[data-step="first-commands/all-clean"]')).toHaveAttribute('data-passed', 'false');
    await expect(page.getByTestId('progress-summary')).toContainText(/^1 of \d+ steps done\.$/);
    await expect(page.getByRole('link', { name: 'Continue where you left off' })).toHaveAttribute('href', '/guide/first-commands#step-all-clean');
  } finally {
    await endLab(learner);
    await learner.close();
  }
});
