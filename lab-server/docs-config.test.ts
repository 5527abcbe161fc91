import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { settings } from './config';

const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('README configuration table', () => {
  it.each(Object.entries(settings))('documents %s with its flag and environment variable', (_key, setting) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`--${setting.flag}\` |`));
    expect(row, `README has no row for --${setting.flag}`).toBeDefined();
    expect(row).toContain(`\`${setting.env}\``);
  });
});
