import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { capture, endLab, pane, waitForShell, withHook } from './lab-helpers';

/**
 * The lab server restarts mid-session (an upgrade, a crash): the learner's page reconnects by
 * itself to the same container. This spec runs its own lab server on its own port and data
 * directory, so it can stop and start it.
 */
test.describe.configure({ timeout: 240_000 });

const PORT = Number(process.env.E2E_RESTART_PORT ?? 3127);
const BASE = `http://127.0.0.1:${PORT}`;

async function startServer(): Promise<ChildProcess> {
  // A server left on the port would answer for ours, and the restart would prove nothing.
  if (await fetch(`${BASE}/api/lab/health`).then(() => true, () => false)) throw new Error(`port ${PORT} is already in use (E2E_RESTART_PORT picks another)`);
  // Its own process group, so a stop reaches the server and not only a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'lab-server/main.ts'], {
    detached: true,
    env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', LAB_DATA_DIR: '.lab-data/e2e-restart', LAB_MAX_WORKSPACES_PER_IP: '50', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const up = await fetch(`${BASE}/api/lab/health`).then((r) => r.ok, () => false);
    if (up) return child;
    if (child.exitCode !== null) throw new Error(`lab server exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  process.kill(-child.pid!, 'SIGKILL');
  throw new Error('lab server did not come up');
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
}

test('a lab-server restart mid-session: the page reconnects by itself to the same container', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: BASE });
  await withHook(context);
  let server = await startServer();
  try {
    const page = await context.newPage();
    await page.goto('/guide/first-commands');
    await page.getByRole('button', { name: 'Start lab' }).click();
    await waitForShell(page);
    const before = await capture(page, 'echo written-before-restart > /root/proof.txt; cat /proc/1/cgroup | tail -1');

    await stopServer(server);
    await expect(pane(page)).not.toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    server = await startServer();

    // No click: the pane reconnects when the server is back.
    await expect(pane(page)).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    expect(await capture(page, 'cat /root/proof.txt; cat /proc/1/cgroup | tail -1')).toBe(`written-before-restart\n${before}`);
  } finally {
    await endLab(context);
    await context.close();
    await stopServer(server);
  }
});
