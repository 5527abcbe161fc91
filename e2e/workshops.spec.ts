import { createHash } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createDockerClient } from '../lab-server/runtime/docker-client';
import { bufferText, capture, endLab, pane, typeLine, waitForBuffer, waitForShell, withHook } from './lab-helpers';

/**
 * Workshops end to end (issue 6): one instructor and three learners, each in their own browser
 * context, against the real server and real workspaces. One workshop is shared by the tests in
 * order (serial), so the whole file starts three workspaces, not one per case.
 * The server's instructor key comes from playwright.config.ts (LAB_INSTRUCTOR_KEY).
 */
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const INSTRUCTOR_KEY = process.env.LAB_INSTRUCTOR_KEY ?? 'e2e-instructor-key';
const TITLE = `E2E workshop ${Date.now().toString(36)}`;
const NAMES = ['Ada', 'Bo', 'Cy'] as const;
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

interface Learner {
  name: string;
  context: BrowserContext;
  page: Page;
  /** The id on their Docker objects: the SHA-256 of their cookie (lab-server/sessions/identity.ts). */
  learnerId: string;
}

let instructorContext: BrowserContext;
let instructor: Page;
let workshopId = '';
let code = '';
const learners: Learner[] = [];
const others: BrowserContext[] = [];

const row = (name: string) => instructor.locator(`tr[data-learner="${name}"]`);
const learner = (name: string) => learners.find((l) => l.name === name)!;

/** axe in both themes on one part of the page (the rest is covered by a11y.spec.ts). */
async function axeBothThemes(page: Page, include: string): Promise<string[]> {
  const problems: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    // xterm draws its own accessibility tree; the terminal specs cover it.
    const builder = new AxeBuilder({ page }).include(include).exclude('.term-viewport').withTags(WCAG_TAGS);
    const { violations } = await builder.analyze();
    problems.push(...violations.map((v) => `${colorScheme}: ${v.id} on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return problems;
}

async function newLearnerContext(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  await withHook(context);
  return { context, page: await context.newPage() };
}

async function learnerIdOf(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === 'lab_session');
  if (!cookie) throw new Error('no lab_session cookie after joining');
  return createHash('sha256').update(cookie.value).digest('hex').slice(0, 32);
}

async function join(browser: Browser, name: string): Promise<Learner> {
  const { context, page } = await newLearnerContext(browser);
  await page.goto(`/join/${code}`);
  await expect(page.getByTestId('join-info')).toContainText(TITLE);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join the workshop' }).click();
  await page.waitForURL('**/guide/first-commands');
  // No Start lab click: the join started the lab, and the guide page picks it up.
  await waitForShell(page);
  return { name, context, page, learnerId: await learnerIdOf(context) };
}

/** The workshop bar's messages on a learner's page. */
const broadcastOn = (page: Page, text: string) => page.getByTestId('workshop-broadcast').filter({ hasText: text });

test.afterAll(async () => {
  for (const { context } of learners) {
    await endLab(context);
    await context.close();
  }
  for (const context of others) await context.close();
  await instructorContext?.close();
});

test('instructor: a wrong key is refused, the right one signs in, and a new workshop opens its console', async ({ browser }) => {
  instructorContext = await browser.newContext();
  await withHook(instructorContext);
  instructor = await instructorContext.newPage();
  await instructor.goto('/instructor');

  await instructor.getByLabel('Instructor key').fill('not-the-key');
  await instructor.getByRole('button', { name: 'Sign in' }).click();
  await expect(instructor.getByTestId('login-error')).toContainText('Wrong instructor key');

  await instructor.getByLabel('Instructor key').fill(INSTRUCTOR_KEY);
  await instructor.getByRole('button', { name: 'Sign in' }).click();
  const form = instructor.getByRole('form', { name: 'New workshop' });
  await expect(form).toBeVisible();
  await form.getByLabel('Title').fill(TITLE);
  for (const box of await form.getByRole('checkbox', { checked: true }).all()) await box.uncheck();
  await form.getByRole('checkbox', { name: /First commands/ }).check();
  await form.getByRole('spinbutton', { name: 'Seats' }).fill('3');
  await form.getByRole('spinbutton', { name: 'Duration (minutes)' }).fill('30');
  await form.getByRole('button', { name: 'Create workshop' }).click();

  await instructor.waitForURL(/\/instructor\/[a-f0-9]{16}$/);
  workshopId = instructor.url().split('/').pop()!;
  await expect(instructor.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  code = (await instructor.getByTestId('join-code').textContent())!.trim();
  expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
  await expect(instructor.getByTestId('join-link')).toHaveAttribute('href', new RegExp(`/join/${code}$`));
  await expect(instructor.locator('img.console-qr')).toHaveJSProperty('complete', true);
  expect(await instructor.locator('img.console-qr').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  // The list shows it too, newest first.
  const list = await instructorContext.newPage();
  await list.goto('/instructor');
  await expect(list.getByTestId('workshop-list').locator('tbody tr').first()).toContainText(TITLE);
  await list.close();
});

test('learners join with the code; a wrong code and a full workshop are told why', async ({ browser }) => {
  learners.push(...(await Promise.all(NAMES.map((name) => join(browser, name)))));
  for (const name of NAMES) await expect(row(name)).toBeVisible();
  await expect(instructor.locator('tbody tr[data-seat]')).toHaveCount(3);

  const { context, page } = await newLearnerContext(browser);
  others.push(context);
  await page.goto('/join');
  await page.getByLabel('Workshop code').fill('ZZZZZ2');
  await expect(page.locator('.join-info')).toContainText('No workshop has this code');
  await page.getByLabel('Your name').fill('Dee');
  await page.getByRole('button', { name: 'Join the workshop' }).click();
  await expect(page.getByTestId('join-error')).toContainText('Wrong code');

  await page.getByLabel('Workshop code').fill(code.toLowerCase());
  await expect(page.getByTestId('join-info')).toContainText('no seats left');
  await page.getByRole('button', { name: 'Join the workshop' }).click();
  await expect(page.getByTestId('join-error')).toContainText('full');
  await expect(page).toHaveURL(/\/join$/);
});

test('a step a learner passes shows in the instructor’s grid within 2 s', async () => {
  const { page } = learner('Ada');
  const step = page.locator('[data-step-id="all-clean"]');
  await step.scrollIntoViewIfNeeded();
  // A fresh workspace has no containers: "Leave nothing behind" passes as soon as it is checked.
  await page.getByRole('button', { name: 'Check: Leave nothing behind' }).click();
  await expect(step.locator('.step-check')).toHaveAttribute('data-check-state', 'passed', { timeout: 20_000 });
  const passedAt = Date.now();
  const cell = row('Ada').locator('td[data-step="first-commands/all-clean"]');
  await expect(cell).toHaveAttribute('data-cell', 'passed', { timeout: 2_000 });
  expect(Date.now() - passedAt).toBeLessThan(2_000);
  await expect(cell).toContainText(/Passed at/);
  await expect(row('Ada')).toContainText('1 of 2');
  await expect(row('Bo').locator('td[data-step="first-commands/two-web-servers"]')).toHaveAttribute('data-cell', 'current');

  // The Export CSV link's file: one row per learner.
  await expect(instructor.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', `/api/lab/workshops/${workshopId}/progress.csv`);
  const csv = await instructorContext.request.get(`/api/lab/workshops/${workshopId}/progress.csv`);
  expect(csv.ok()).toBe(true);
  const text = await csv.text();
  for (const name of NAMES) expect(text).toContain(name);

  expect(await axeBothThemes(instructor, '[data-testid="workshop-console"]')).toEqual([]);
});

test('the instructor watches a learner’s terminal live, and nothing typed there reaches it', async () => {
  const { page } = learner('Ada');
  await instructor.getByRole('button', { name: 'Watch Ada’s terminal' }).click();
  const shadow = instructor.getByTestId('shadow-panel');
  await expect(shadow).toBeVisible();
  await expect(shadow.locator('.term-pane')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });

  const marker = `shadow-${Date.now().toString(36)}`;
  await typeLine(page, `echo ${marker}`);
  await expect
    .poll(() => instructor.evaluate(() => window.__LAB_E2E__?.panes['shadow-1']?.text() ?? ''), { timeout: 10_000 })
    .toContain(marker);

  await shadow.locator('.xterm-screen').click();
  await instructor.keyboard.type('echo intruder');
  await instructor.keyboard.press('Enter');
  await page.waitForTimeout(1000);
  expect(await bufferText(page)).not.toContain('intruder');
  await shadow.getByRole('button', { name: 'Stop watching', exact: true }).click();
  await expect(shadow).toBeHidden();
});

test('a broadcast appears on every learner’s page; its command runs in the terminal; it can be dismissed', async () => {
  const message = `Break in 5 minutes ${Date.now().toString(36)}`;
  await instructor.getByLabel('Message to every learner').fill(message);
  await instructor.getByLabel('Command (optional)').fill('echo from-$((6*7))-instructor');
  await instructor.getByRole('button', { name: 'Send to everyone' }).click();
  await expect(instructor.getByTestId('broadcast-history')).toContainText(message);

  for (const { page } of learners) await expect(broadcastOn(page, message)).toBeVisible({ timeout: 10_000 });

  const bo = learner('Bo').page;
  await expect(bo.getByTestId('workshop-bar')).toContainText(TITLE);
  await expect(bo.getByTestId('workshop-time-left')).toContainText(/min left/);
  await broadcastOn(bo, message).getByRole('button', { name: 'Run in terminal' }).click();
  await waitForBuffer(bo, '1', /^from-42-instructor$/m, 20_000);
  expect(await axeBothThemes(bo, '[data-testid="workshop-bar"]')).toEqual([]);

  const cy = learner('Cy').page;
  await broadcastOn(cy, message).getByRole('button', { name: /^Dismiss/ }).click();
  await expect(broadcastOn(cy, message)).toHaveCount(0);
});

test('reset gives a learner a fresh workspace', async () => {
  const { page } = learner('Bo');
  expect(await capture(page, 'touch /tmp/made-before-reset && ls /tmp/made-before-reset')).toBe('/tmp/made-before-reset');

  await row('Bo').getByRole('button', { name: 'Reset Bo’s lab' }).click();
  const dialog = instructor.getByRole('dialog', { name: 'Reset Bo’s lab?' });
  await dialog.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(instructor.getByTestId('console-notice')).toContainText('Reset Bo’s lab');

  // The page reconnects to the new workspace by itself; the file made in the old one is gone.
  await expect
    .poll(
      async () => {
        if ((await pane(page).getAttribute('data-state')) !== 'ready') return 'not ready';
        return capture(page, 'test -e /tmp/made-before-reset && echo still-there || echo fresh', '1', 5_000).catch(() => 'no answer');
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .toBe('fresh');
  await waitForShell(page);
});

test('a removed learner is told so, and cannot join again with the code', async () => {
  await row('Cy').getByRole('button', { name: 'Remove Cy from the workshop' }).click();
  await instructor.getByRole('dialog', { name: 'Remove Cy?' }).getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(instructor.getByTestId('console-notice')).toContainText('Removed Cy');
  await expect(row('Cy')).toHaveCount(0);

  const { page } = learner('Cy');
  await expect(page.getByTestId('workshop-notice')).toContainText('removed you from this workshop', { timeout: 10_000 });
  await page.goto(`/join/${code}`);
  await page.getByLabel('Your name').fill('Cy again');
  await page.getByRole('button', { name: 'Join the workshop' }).click();
  await expect(page.getByTestId('join-error')).toContainText('removed you');
});

test('ending the workshop removes every learner’s containers, networks and volumes; joining then says it ended', async ({ browser }) => {
  await instructor.getByRole('button', { name: 'End workshop…' }).click();
  await instructor.getByRole('dialog', { name: 'End the workshop?' }).getByRole('button', { name: 'End workshop' }).click();
  await expect(instructor.getByTestId('workshop-console')).toHaveAttribute('data-state', 'ended');
  for (const name of ['Ada', 'Bo']) await expect(learner(name).page.getByTestId('workshop-notice')).toContainText('This workshop has ended', { timeout: 10_000 });

  const docker = createDockerClient(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  const leftovers = async () => {
    const found: string[] = [];
    for (const { name, learnerId } of learners) {
      const filters = { label: [`lab.learner=${learnerId}`] };
      const containers = await docker.listContainers({ all: true, filters });
      const networks = await docker.listNetworks({ filters });
      const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
      found.push(...containers.map((c) => `${name}: container ${c.Names[0]}`), ...networks.map((n) => `${name}: network ${n.Name}`), ...volumes.map((v) => `${name}: volume ${v.Name}`));
    }
    return found;
  };
  await expect.poll(leftovers, { timeout: 30_000, intervals: [500, 1000] }).toEqual([]);

  const { context, page } = await newLearnerContext(browser);
  others.push(context);
  await page.goto(`/join/${code}`);
  await expect(page.getByTestId('join-info')).toContainText('has ended');
  await page.getByLabel('Your name').fill('Late');
  await page.getByRole('button', { name: 'Join the workshop' }).click();
  await expect(page.getByTestId('join-error')).toContainText('ended');
});
