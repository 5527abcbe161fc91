import { describe, expect, it } from 'vitest';
import { labelsFor, logFileFor, ProgressLine, splitRef } from './build';

describe('ProgressLine', () => {
  it('says the step and the latest line at most once per interval, without escapes or builder noise', () => {
    let now = 0;
    const said: string[] = [];
    const progress = new ProgressLine('building lab/workspace', (m) => said.push(m), 1_000, () => now);
    now = 1_000;
    progress.push('Step 4/11 : RUN set -eux; apt-get update');
    progress.push('\u001b[91m+ apt-get update\u001b[0m');
    now = 1_500;
    progress.push('Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]');
    now = 2_100;
    progress.push(' ---> Running in 0123456789ab');
    progress.push('Setting up curl (7.88.1-10+deb12u12) ...');
    progress.push('');
    expect(said).toEqual(['building lab/workspace [4/11]: RUN set -eux; apt-get update', 'building lab/workspace [4/11]: Setting up curl (7.88.1-10+deb12u12) ...']);
  });
});

describe('helpers', () => {
  it('splits references', () => {
    expect(splitRef('httpd:2.4')).toEqual({ repo: 'httpd', tag: '2.4' });
    expect(splitRef('lab/workspace:0123456789ab')).toEqual({ repo: 'lab/workspace', tag: '0123456789ab' });
    expect(splitRef('registry:5000/busybox')).toEqual({ repo: 'registry:5000/busybox', tag: 'latest' });
  });

  it('labels catalog images and names their logs', () => {
    expect(labelsFor({ name: 'httpd', hash: '0123456789ab' })).toEqual({ 'lab.catalog': '1', 'lab.recipe-hash': '0123456789ab', 'lab.image': 'httpd' });
    expect(logFileFor('/data/logs/images', 'lab/workspace')).toBe('/data/logs/images/lab-workspace.log');
  });
});
