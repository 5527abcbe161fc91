import { expect, test } from '@playwright/test';
import { capture, endLab, waitForShell, withHook } from './lab-helpers';

/**
 * Docker practice in the browser: a learner types real docker commands in their terminal on a
 * guide page, and the port they publish opens at /preview/<port>/ — for them only.
 */
test.describe.configure({ timeout: 180_000 });

test('a learner runs httpd with their page, curls it, and previews it; another learner cannot', async ({ browser }) => {
  const learner = await browser.newContext();
  const other = await browser.newContext();
  try {
    await withHook(learner);
    const page = await learner.newPage();
    await page.goto('/guide/first-commands');
    await page.getByRole('button', { name: 'Start lab' }).click();
    await waitForShell(page);

    expect(await capture(page, 'docker pull httpd 2>&1', '1', 60_000)).toContain('Downloaded newer image for httpd:latest');
    await capture(page, `mkdir -p ~/site && cd ~/site && echo '<h1>made in the lab</h1>' > index.html && docker run -d --name web -p 8080:80 -v "$PWD":/usr/local/apache2/htdocs/ httpd >/dev/null; cd ~`, '1', 60_000);
    expect(await capture(page, 'docker ps --format "{{.Names}} {{.Ports}}"')).toBe('web 0.0.0.0:8080->80/tcp');
    await expect.poll(() => capture(page, 'curl -s localhost:8080/'), { timeout: 30_000 }).toContain('<h1>made in the lab</h1>');

    const preview = await learner.newPage();
    await preview.goto('/preview/8080/');
    await expect(preview.locator('h1')).toHaveText('made in the lab');

    const stranger = await other.newPage();
    const response = await stranger.goto('/preview/8080/');
    expect(response?.status()).toBe(401);
    await expect(stranger.locator('body')).toContainText('Start your lab first');
  } finally {
    await endLab(learner);
    await learner.close();
    await other.close();
  }
});
