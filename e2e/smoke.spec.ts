import { expect, test, type Page } from '@playwright/test';
import { watchForErrors } from './helpers';


/** The code block whose code is exactly `text`. */
function codeBlock(page: Page, text: string) {
  const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('.code-block').filter({ has: page.locator('pre', { hasText: exact }) });
}

test('the home page explains the lab and leads to the first chapter', async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto('/');
  await expect(page).toHaveTitle('Docker Survival Lab');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('The Docker survival guide you can practise in');
  await expect(page.getByRole('heading', { name: 'For instructors' })).toBeVisible();

  await page.getByRole('link', { name: /Start with chapter 1: Why containers/ }).click();
  await expect(page).toHaveURL(/\/guide\/why-containers$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Why containers');
  await expect(page).toHaveTitle('Why containers · Docker Survival Lab');
  expect(errors).toEqual([]);
});

test.describe('the First commands chapter', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('renders highlighted code blocks with Copy and Run buttons', async ({ page }) => {
    const errors = watchForErrors(page);
    await page.goto('/guide/first-commands');
    await expect(page.locator('article[data-pagefind-body] h1')).toHaveText('First commands');
    await expect(page.getByText('Chapter 5', { exact: true })).toBeVisible();

    const block = codeBlock(page, 'docker version');
    await expect(block).toBeVisible();
    await expect(block.getByRole('button', { name: 'Copy' })).toBeVisible();

    // Highlighted: tokens carry both theme colours, and the active one is applied.
    const token = block.locator('pre code span[data-line] span').first();
    await expect(token).toHaveText('docker');
    const colours = await token.evaluate((element) => ({
      token: getComputedStyle(element).color,
      light: element.style.getPropertyValue('--shiki-light'),
      dark: element.style.getPropertyValue('--shiki-dark'),
      text: getComputedStyle(document.body).color,
    }));
    expect(colours.light).toMatch(/^#/);
    expect(colours.dark).toMatch(/^#/);
    expect(colours.token).not.toBe(colours.text);

    // The $ prompt is drawn by CSS, not part of the text.
    const line = block.locator('[data-line]').first();
    await expect(line).toHaveAttribute('data-prompt', '');
    expect(await line.evaluate((element) => getComputedStyle(element, '::before').content)).toBe('"$ "');

    // Run says what it will do (start the lab, then type into terminal 1) and carries its command.
    const run = block.getByRole('button', { name: /^Run in terminal 1/ });
    await expect(run).not.toHaveAttribute('aria-disabled', 'true');
    await expect(run).toHaveAttribute('data-command', 'docker version');
    await expect(run).toHaveAccessibleDescription(/Starts the lab and types this into terminal 1/);

    const second = page.locator('button[data-command="docker logs -f web2"]');
    await expect(second).toHaveAttribute('data-term', '2');
    await expect(page.locator('button[data-command="docker logs --tail 2 -t web2"]')).toHaveAttribute(
      'data-interrupt',
      '',
    );

    // Blocks nested in JSX components (<Step>, <Callout>) go through the same pipeline.
    const step = page.getByRole('region', { name: 'Run two web servers from one image' });
    await expect(step.locator('button[data-command="docker run -d --name web1 -p 80:80 httpd"]')).toBeVisible();

    // Output blocks have neither button.
    const output = page.locator('.code-block[data-kind="output"]').first();
    await expect(output.getByRole('button')).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('Copy puts the bare command on the clipboard and says so', async ({ page }) => {
    await page.goto('/guide/first-commands');
    const block = codeBlock(page, 'docker pull httpd');
    const copy = block.getByRole('button', { name: 'Copy' });
    await copy.click();
    await expect(block.getByRole('button', { name: 'Copied' })).toBeVisible();
    await expect(block.getByRole('status')).toHaveText('Copied to the clipboard');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('docker pull httpd');
    await expect(block.getByRole('button', { name: 'Copy' })).toBeVisible({ timeout: 5_000 });
  });

  test('the skip link jumps to the content', async ({ page }) => {
    await page.goto('/guide/first-commands');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#main-content$/);
    await expect(page.locator('#main-content')).toBeFocused();
  });
});

test('an unknown guide page is a real 404', async ({ page }) => {
  const response = await page.goto('/guide/nope');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expect(page.getByRole('link', { name: 'Go to the home page' })).toBeVisible();
});
