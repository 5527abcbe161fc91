import { expect, test } from '@playwright/test';
import { watchForErrors } from './helpers';


test.use({ viewport: { width: 1366, height: 900 } });

test('the sidebar marks the current chapter and navigates', async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto('/guide/images');
  const sidebar = page.getByRole('navigation', { name: 'Guide chapters' });
  await expect(sidebar).toBeVisible();
  await expect(sidebar.getByRole('heading', { name: 'Using Docker' })).toBeVisible();
  const current = sidebar.locator('[aria-current="page"]');
  await expect(current).toHaveCount(1);
  await expect(current).toHaveText(/6\s*Chapter 6: Images/);

  await sidebar.getByRole('link', { name: 'Chapter 10: Resource limits' }).click();
  await expect(page).toHaveURL(/\/guide\/resource-limits$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Resource limits');
  await expect(sidebar.locator('[aria-current="page"]')).toHaveText(/Resource limits/);
  expect(errors).toEqual([]);
});

test('on narrow screens the sidebar hides behind a Menu button', async ({ page }) => {
  await page.setViewportSize({ width: 420, height: 800 });
  await page.goto('/guide/images');
  const sidebar = page.getByRole('navigation', { name: 'Guide chapters' });
  await expect(sidebar).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  await expect(sidebar).toBeVisible();
  await expect(sidebar.locator('[aria-current="page"]')).toHaveText(/Images/);
  await page.keyboard.press('Escape');
  await expect(sidebar).toBeHidden();

  // Following a link closes the drawer: the new page starts with it shut.
  await page.getByRole('button', { name: 'Menu' }).click();
  await sidebar.getByRole('link', { name: 'Chapter 9: Networking' }).click();
  await expect(page).toHaveURL(/\/guide\/networking$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Networking');
  await expect(sidebar).toBeHidden();
});

test('breadcrumbs and the on-page table of contents', async ({ page }) => {
  await page.goto('/guide/resource-limits');
  const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
  await expect(crumbs.getByRole('listitem')).toHaveText(['Guide', 'Data, networks and limits', 'Resource limits']);
  await expect(crumbs.locator('[aria-current="page"]')).toHaveText('Resource limits');
  // Breadcrumbs come before the title.
  const order = await page.evaluate(() => {
    const nav = document.querySelector('nav[aria-label="Breadcrumb"]')!;
    const h1 = document.querySelector('h1')!;
    return nav.compareDocumentPosition(h1) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  expect(order).toBeTruthy();

  const toc = page.getByRole('navigation', { name: 'On this page' });
  await expect(toc).toBeVisible();
  const links = toc.getByRole('link');
  expect(await links.count()).toBeGreaterThan(2);
  const link = links.nth(2);
  const href = (await link.getAttribute('href'))!;
  expect(href).toMatch(/^#/);
  await link.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  const heading = page.locator(href);
  await expect(heading).toBeInViewport();
  const top = await heading.evaluate((element) => element.getBoundingClientRect().top);
  expect(top).toBeGreaterThan(0); // not hidden under the sticky header
});

test('the theme toggle switches, persists across a reload, and applies before paint', async ({ page }) => {
  const errors = watchForErrors(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/guide/images');
  const html = page.locator('html');
  await expect(html).not.toHaveAttribute('data-theme');
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  const bodyBg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(await bodyBg()).toBe('rgb(255, 255, 255)');

  await toggle.click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(await bodyBg()).toBe('rgb(13, 17, 23)');
  expect(await page.evaluate(() => localStorage.getItem('theme'))).toBe('dark');

  // On reload, record the theme the moment <body> starts: it must already be dark.
  await page.addInitScript(() => {
    new MutationObserver((_records, observer) => {
      if (document.body) {
        (window as unknown as { themeAtBody: string | undefined }).themeAtBody = document.documentElement.dataset.theme;
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  expect(await page.evaluate(() => (window as unknown as { themeAtBody?: string }).themeAtBody)).toBe('dark');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');

  await toggle.click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'light');
  expect(errors).toEqual([]);
});

test('search is loaded on first use and finds chapters by flag and by tool', async ({ page }) => {
  const errors = watchForErrors(page);
  const pagefindRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/pagefind/')) pagefindRequests.push(request.url());
  });
  await page.goto('/guide/images');
  await page.waitForLoadState('networkidle');
  expect(pagefindRequests).toEqual([]);

  const opener = page.getByRole('button', { name: /Search/ });
  await opener.focus();
  const dialog = page.getByRole('dialog', { name: 'Search the guide' });
  // The shortcut works once the header has hydrated; on a cold, loaded machine that can trail
  // 'networkidle', so press again until it opens (opening is idempotent).
  await expect(async () => {
    await page.keyboard.press('Control+k');
    await expect(dialog).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  const input = dialog.getByRole('searchbox', { name: 'Search the guide' });
  await expect(input).toBeFocused();

  await input.fill('--cpu-shares');
  const results = dialog.getByRole('list', { name: 'Results' }).getByRole('link');
  await expect(results.first()).toBeVisible();
  await expect(results.filter({ hasText: 'Resource limits' })).not.toHaveCount(0);
  await expect(results.first().locator('mark').first()).toBeVisible();
  expect(pagefindRequests.some((url) => url.endsWith('/pagefind/pagefind.js'))).toBe(true);

  // Arrow keys move from the input into the results; Esc closes and focus returns to the opener.
  await page.keyboard.press('ArrowDown');
  await expect(results.first()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await page.keyboard.press('/');
  await expect(dialog).toBeVisible();
  await input.fill('apptainer');
  await expect(results.first()).toContainText('Containers in HPC');
  await input.press('Enter');
  await expect(page).toHaveURL(/\/guide\/hpc$/);
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/HPC/);
  expect(errors).toEqual([]);
});

test('the search index is served with the right types and refuses traversal', async ({ request }) => {
  const js = await request.get('/pagefind/pagefind.js');
  expect(js.status()).toBe(200);
  expect(js.headers()['content-type']).toMatch(/^text\/javascript/);
  expect(js.headers()['cache-control']).toMatch(/max-age=/);
  expect((await request.get('/pagefind/..%2f..%2fpackage.json')).status()).toBe(404);
  expect((await request.get('/pagefind/nope.js')).status()).toBe(404);
});

test('install instructions are tabs that switch with the arrow keys', async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto('/guide/installing');
  const tablist = page.getByRole('tablist');
  const tabs = tablist.getByRole('tab');
  await expect(tabs).toHaveText(['Debian / Ubuntu', 'RHEL / CentOS / Fedora', 'Amazon Linux']);
  await expect(tabs.nth(0)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toContainText('docker.io');

  await tabs.nth(0).focus();
  await page.keyboard.press('ArrowRight');
  await expect(tabs.nth(1)).toBeFocused();
  await expect(tabs.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toContainText('Podman');

  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tabpanel')).toContainText('Amazon Linux 2023');
  await page.keyboard.press('ArrowRight'); // wraps
  await expect(tabs.nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(tabs.nth(2)).toHaveAttribute('aria-selected', 'true');
  expect(errors).toEqual([]);
});

test('the cheat sheet prints without site chrome', async ({ page }) => {
  await page.goto('/guide/cheat-sheet');
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.site-header')).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Guide chapters' })).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'On this page' })).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('Cmd+K opens search too (macOS), and a flag finds its chapter', async ({ page }) => {
  await page.goto('/guide/data');
  const dialog = page.getByRole('dialog', { name: 'Search the guide' });
  await expect(async () => {
    await page.keyboard.press('Meta+k');
    await expect(dialog).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  const input = dialog.getByRole('searchbox', { name: 'Search the guide' });
  await expect(input).toBeFocused();
  await input.fill('--pids-limit');
  const results = dialog.getByRole('list', { name: 'Results' }).getByRole('link');
  await expect(results.filter({ hasText: 'Resource limits' })).not.toHaveCount(0, { timeout: 15_000 });
  await expect(dialog.getByRole('status')).toHaveText(/^\d+ results?\.$/);
});
