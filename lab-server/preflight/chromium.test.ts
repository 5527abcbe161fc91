import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumMissingError, findChromium } from './chromium';

describe('chromium preflight', () => {
  it('gives the one apt command on Debian, with sudo unless root', () => {
    expect(chromiumMissingError({ isRoot: false, debianLike: true }).fix).toBe('sudo apt-get install -y chromium');
    expect(chromiumMissingError({ isRoot: true, debianLike: true }).fix).toBe('apt-get install -y chromium');
    const other = chromiumMissingError({ isRoot: false, debianLike: false });
    expect(other.fix).toMatch(/CHROMIUM_PATH/);
    expect(other.fix).not.toMatch(/playwright/);
  });

  it('finds chromium on PATH first', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
    try {
      fs.writeFileSync(path.join(dir, 'chromium'), '#!/bin/sh\necho Chromium 1.0\n', { mode: 0o755 });
      expect(findChromium(dir)).toBe(path.join(dir, 'chromium'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
