import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';

/** The workspace prompt, "lab:~# " (the same in every container). */
export const PROMPT = /lab:\S*[#$]/;

type PaneHook = { text(): string; seq(): number | null; state(): string; drop(): void; renderer(): 'dom' | 'webgl' };
declare global {
  interface Window {
    __LAB_E2E__?: { panes: Record<string, PaneHook> };
  }
}

/** Pages of this context get the terminal test hook (the whole buffer, scrollback included). */
export async function withHook(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    window.__LAB_E2E__ = { panes: {} };
  });
}

/** Ends the learner's lab so its workspace does not hold one of the server's places. */
export async function endLab(context: BrowserContext): Promise<void> {
  const page = context.pages()[0];
  if (!page || page.isClosed()) return;
  await page.evaluate(() => fetch('/api/lab/session', { method: 'DELETE' }).catch(() => undefined)).catch(() => undefined);
}

export function pane(page: Page, id = '1'): Locator {
  return page.locator(`.term-pane[data-pane-id="${id}"]`);
}

export async function bufferText(page: Page, id = '1'): Promise<string> {
  return page.evaluate((paneId) => window.__LAB_E2E__?.panes[paneId]?.text() ?? '', id);
}

export async function waitForBuffer(page: Page, id: string, match: RegExp | ((text: string) => boolean), timeout = 30_000): Promise<string> {
  let last = '';
  await expect
    .poll(
      async () => {
        last = await bufferText(page, id);
        return typeof match === 'function' ? match(last) : match.test(last);
      },
      { timeout, intervals: [100, 250, 500] },
    )
    .toBe(true);
  return last;
}

/** Waits for pane `id` to be connected and showing a prompt. */
export async function waitForShell(page: Page, id = '1'): Promise<void> {
  await expect(pane(page, id)).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(pane(page, id).locator('.xterm-rows')).toContainText(PROMPT, { timeout: 30_000 });
}

/** Types a command line into pane `id` (focusing it first). */
export async function typeLine(page: Page, command: string, id = '1'): Promise<void> {
  await pane(page, id).locator('.xterm-screen').click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

/** The text printed by `command` between a unique start and end marker (robust to prompts and wrapping). */
export async function capture(page: Page, command: string, id = '1', timeout = 30_000): Promise<string> {
  const tag = `M${Math.random().toString(36).slice(2, 8)}`;
  await typeLine(page, `echo ${tag}-S; ${command}; echo ${tag}-E`, id);
  const text = await waitForBuffer(page, id, new RegExp(`^${tag}-E$`, 'm'), timeout);
  const start = text.search(new RegExp(`^${tag}-S$`, 'm'));
  const end = text.search(new RegExp(`^${tag}-E$`, 'm'));
  return text.slice(start, end).split('\n').slice(1).join('\n').trim();
}
