import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './http/server';

/** Runs `npm start`'s entry point with the given flags and environment, as a user would. */
function start(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['lab-server/main.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LAB_DATA_DIR: '.lab-data/test', ...env },
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

/** The last non-empty lines after the ✗ mark: the message a user reads. */
const failure = (stderr: string) => stderr.slice(stderr.lastIndexOf('✗ ')).trim();

describe('npm start refuses wrong configuration with one clear line (exit 2, no stack trace)', () => {
  it('a port out of range', async () => {
    const result = await start(['--port', '70000']);
    expect(result.code).toBe(2);
    expect(failure(result.stderr)).toBe('✗ Invalid setting --port / PORT ("70000"): must be between 1 and 65535 (or 0 for any free port).');
  });

  it('an unknown flag', async () => {
    const result = await start(['--prot', '4000']);
    expect(result.code).toBe(2);
    expect(failure(result.stderr)).toMatch(/^✗ Unknown option '--prot'.*Known flags: --host --port/);
  });

  it('an unreachable Docker host', async () => {
    const result = await start([], { DOCKER_HOST: 'tcp://127.0.0.1:1' });
    expect(result.code).toBe(2);
    expect(failure(result.stderr)).toMatch(/tcp:\/\/127\.0\.0\.1:1/);
    expect(failure(result.stderr)).toMatch(/DOCKER_HOST/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a data directory that cannot be written', async () => {
    // Root ignores permission bits, so use a path under a regular file: unwritable for everyone.
    const result = await start(['--data-dir', '/proc/version/lab-data']);
    expect(result.code).toBe(2);
    expect(failure(result.stderr)).toMatch(/^✗ The data directory \/proc\/version\/lab-data is not writable \(\w+\)\.\n\s+→ Choose a directory you can write with --data-dir DIR or LAB_DATA_DIR=DIR\.$/);
  });

  it('a port that is already taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await start(['--port', String(port)], { LAB_DEV: '0' });
      expect(result.code).toBe(2);
      expect(failure(result.stderr)).toMatch(new RegExp(`^✗ Port ${port} on 127\\.0\\.0\\.1 is already in use\\.\\n\\s+→ .*--port 4000`));
    } finally {
      blocker.close();
    }
  });
});
