import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { flattenNav } from '../lib/content/nav';
import { guideHref } from '../lib/content/routes';

/**
 * Accessibility: axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page of the site, in the
 * light and the dark theme, plus the states a reader opens on every page (search with results,
 * the narrow-screen menu). One page per theme walks all the URLs, so the whole sweep stays fast.
 * Axe finds only part of WCAG; the keyboard tests below cover focus order and visibility.
 */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
// Workshops: the join page (with a code that finds nothing: its message shows) and the instructor sign-in.
// The console and the learner bar are scanned by workshops.spec.ts, where a workshop exists.
const PAGES = ['/', '/lab', '/progress', '/join', '/join/ZZZZZ2', '/instructor', ...flattenNav().map((item) => guideHref(item.slug)), '/guide/no-such-page'];

/** Syntax-highlighted tokens (not output blocks, whose text takes the page's muted colour). */
const CODE_TOKENS = '.code-block:not([data-kind="output"]) code[data-theme] span';

type Violations = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'];

/** One line per rule broken on a page: how many elements, the first of them, and axe's summary of the fix. */
function describe(where: string, violations: Violations): string[] {
  return violations.map((violation) => {
    const [first] = violation.nodes;
    const fix = first?.failureSummary?.split('\n').slice(1).join(' ').trim();
    return `${where}: ${violation.id} (${violation.impact}) on ${violation.nodes.length} element(s), e.g. ${first?.target.join(' ')}: ${fix}`;
  });
}

/**
 * Runs axe in the page itself (legacy mode: there are no iframes to stitch together, and it
 * spares a blank helper page per scan) and returns violations only, which keeps a scan of a
 * page with thousands of highlighted code tokens to a few seconds on a loaded machine.
 * `contrastOnly` re-checks just the colour rules: nothing else changes with the theme.
 */
async function scan(page: Page, where: string, contrastOnly = false): Promise<string[]> {
  const builder = new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ['violations'] });
  if (contrastOnly) {
    // Highlighted code tokens are thousands of elements; their dark colours are checked
    // exhaustively by lib/content/highlighter.test.ts, and in the page by the light pass.
    builder.withRules(['color-contrast', 'link-in-text-block']).exclude(CODE_TOKENS);
  }
  else builder.withTags(WCAG_TAGS);
  const { violations } = await builder.analyze();
  return describe(where, violations);
}

/**
 * Visits `path` in two pages at once, one per theme (the renderers run in parallel): every rule
 * in the light theme, the colour rules in the dark one. `then` prepares the page after load.
 */
async function scanBothThemes(
  light: Page,
  dark: Page,
  where: string,
  path: string,
  then: (page: Page) => Promise<void> = async () => {},
): Promise<string[]> {
  const visit = async (page: Page, theme: 'light' | 'dark') => {
    await page.goto(path);
    await expect(page.locator('main h1')).toBeVisible();
    await then(page);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(theme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(13, 17, 23)');
    return scan(page, `${where} [${theme}]`, theme === 'dark');
  };
  return (await Promise.all([visit(light, 'light'), visit(dark, 'dark')])).flat();
}

async function openSearchWithResults(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Search the guide' });
  await expect(async () => {
    await page.getByRole('button', { name: /Search/ }).click();
    await expect(dialog).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await dialog.getByRole('searchbox').fill('memory');
  await expect(dialog.getByRole('list', { name: 'Results' }).getByRole('link').first()).toBeVisible({ timeout: 20_000 });
}

async function openMobileMenu(page: Page): Promise<void> {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.getByRole('button', { name: 'Menu' }).click();
  await expect(page.getByRole('navigation', { name: 'Guide chapters' })).toBeVisible();
}

// Two halves, each with its own (generous, bounded) time budget: a scan takes 1–8 s on a
// loaded 2-core machine, and a failure should name its half.
const HALF = Math.ceil(PAGES.length / 2);
const PARTS = [PAGES.slice(0, HALF), PAGES.slice(HALF)];

PARTS.forEach((paths, index) => {
  test(`axe finds no WCAG 2.2 A/AA violation in the light and the dark theme (pages, part ${index + 1} of 2)`, async ({ page, context }) => {
    test.setTimeout(240_000);
    const light = page;
    const dark = await context.newPage();
    await light.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
    await dark.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const problems: string[] = [];
    for (const path of paths) problems.push(...(await scanBothThemes(light, dark, path, path)));
    if (index === 1) {
      // What can open on every page: the search dialog with results, and the narrow-screen menu.
      problems.push(...(await scanBothThemes(light, dark, 'search dialog', guideHref('resource-limits'), openSearchWithResults)));
      problems.push(...(await scanBothThemes(light, dark, 'mobile menu', guideHref('networking'), openMobileMenu)));
    }
    expect(problems).toEqual([]);
  });
});

/** What the reader sees of the keyboard focus: an outline or a ring, inside the viewport, not covered. */
async function focusIndicator(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { ok: false, what: 'nothing focused' };
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const ring = style.boxShadow !== 'none';
    const rect = element.getBoundingClientRect();
    const inView = rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight && rect.right > 0 && rect.left < innerWidth;
    const x = Math.min(Math.max(rect.left + rect.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(rect.top + rect.height / 2, 0), innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    const uncovered = !!top && (element === top || element.contains(top) || top.contains(element));
    const what = `${element.tagName.toLowerCase()} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}"`;
    return { ok: (outline || ring) && inView && uncovered, what, outline, ring, inView, uncovered };
  });
}

test('keyboard: the skip link is the first stop, is visible when focused, and moves focus to the content', async ({ page }) => {
  await page.goto(guideHref('data'));
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  expect(await focusIndicator(page)).toMatchObject({ ok: true });

  await page.keyboard.press('Enter');
  const main = page.locator('main#main-content');
  await expect(main).toBeFocused();
  // The next Tab continues inside the content, not back in the header.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
});

test('keyboard: every stop along the page has a visible focus indicator that nothing covers', async ({ page }) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(guideHref('first-commands'));
  const seen: string[] = [];
  const hidden: string[] = [];
  for (let stop = 0; stop < 40; stop++) {
    await page.keyboard.press('Tab');
    const indicator = await focusIndicator(page);
    seen.push(indicator.what);
    if (!indicator.ok) hidden.push(JSON.stringify(indicator));
  }
  // The walk went through the header, the sidebar and into the chapter.
  expect(seen.some((what) => what.includes('Search'))).toBe(true);
  expect(seen.some((what) => what.includes('Chapter 1'))).toBe(true);
  expect(hidden).toEqual([]);
});
