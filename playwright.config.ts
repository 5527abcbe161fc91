import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests in real Chromium against the real lab server (which serves the guide).
 * `LAB_E2E_URL` points the tests at a server that is already running elsewhere (for example
 * `next start -p 3117` while working on the guide alone); then no server is started here.
 * Never run `npx playwright install`: Chromium comes from the system (`CHROMIUM_PATH`).
 */
// E2E_PORT lets two checkouts run their suites side by side without reusing each other's server.
const PORT = Number(process.env.E2E_PORT ?? 3117);
const externalUrl = process.env.LAB_E2E_URL;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    // PLAYWRIGHT_JSON_OUTPUT_FILE (set by `npm test`) takes precedence over this path.
    ['json', { outputFile: 'test-results/e2e.json' }],
  ],
  use: {
    baseURL: externalUrl ?? `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: externalUrl
    ? undefined
    : {
        command: 'npx tsx lab-server/main.ts',
        // Every browser context comes from 127.0.0.1: lift the per-address cap meant for a classroom.
        // LAB_INSTRUCTOR_KEY: workshops.spec signs in to the instructor console with it.
        env: { PORT: String(PORT), HOST: '127.0.0.1', LAB_DATA_DIR: '.lab-data/e2e', LAB_MAX_WORKSPACES_PER_IP: '50', LAB_INSTRUCTOR_KEY: 'e2e-instructor-key' },
        url: `http://127.0.0.1:${PORT}/api/lab/health`,
        reuseExistingServer: !process.env.CI,
        timeout: 300_000,
        stdout: 'pipe',
        stderr: 'pipe',
      },
});
