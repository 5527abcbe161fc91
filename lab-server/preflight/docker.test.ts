import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canStartLocalEngine, diagnoseEngineError, findExecutable, shorten, tellingLine, withSbin, type EngineContext } from './docker';
import { PreflightError } from './progress';

const errno = (code: string, message = `connect ${code} /var/run/docker.sock`) => Object.assign(new Error(message), { code });
const local: EngineContext = { dockerHost: 'unix:///var/run/docker.sock', isRoot: false, debianLike: true, systemd: true, dockerdPath: '/usr/sbin/dockerd' };

describe('diagnoseEngineError', () => {
  it('tells a permission problem apart from a missing engine', () => {
    const denied = diagnoseEngineError(errno('EACCES'), local);
    expect(denied).toBeInstanceOf(PreflightError);
    expect(denied.message).toBe('Permission denied on /var/run/docker.sock: this user may not use the Docker Engine.');
    expect(denied.fix).toMatch(/^sudo usermod -aG docker \$USER/);

    const down = diagnoseEngineError(errno('ECONNREFUSED'), local);
    expect(down.message).toMatch(/installed \(\/usr\/sbin\/dockerd\) but not running.*connection refused/);
    expect(down.fix).toMatch(/^sudo systemctl start docker/);
  });

  it('asks for docker.io on Debian when dockerd is missing', () => {
    const missing = diagnoseEngineError(errno('ENOENT'), { ...local, dockerdPath: undefined });
    expect(missing.message).toMatch(/not installed.*the socket does not exist/);
    expect(missing.fix).toBe('sudo apt-get install -y docker.io && sudo systemctl start docker');

    const noSystemd = diagnoseEngineError(errno('ENOENT'), { ...local, dockerdPath: undefined, systemd: false });
    expect(noSystemd.fix).toMatch(/^sudo apt-get install -y docker\.io && sudo sh -c 'dockerd/);
  });

  it('points elsewhere than apt off Debian', () => {
    const other = diagnoseEngineError(errno('ENOENT'), { ...local, dockerdPath: undefined, debianLike: false });
    expect(other.fix).toMatch(/docs\.docker\.com\/engine\/install/);
    expect(other.fix).not.toMatch(/apt-get/);
  });

  it('blames DOCKER_HOST for an unreachable tcp:// engine', () => {
    const tcp = diagnoseEngineError(errno('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:2375'), { ...local, dockerHost: 'tcp://10.0.0.5:2375' });
    expect(tcp.message).toBe('No Docker Engine answers at tcp://10.0.0.5:2375 (connection refused).');
    expect(tcp.fix).toMatch(/DOCKER_HOST \(now tcp:\/\/10\.0\.0\.5:2375\)/);

    const unknownHost = diagnoseEngineError(errno('ENOTFOUND', 'getaddrinfo ENOTFOUND dockerhost'), { ...local, dockerHost: 'tcp://dockerhost:2375' });
    expect(unknownHost.message).toMatch(/host name not found/);
  });

  it('handles a non-default unix socket, a timeout and an HTTP error', () => {
    expect(diagnoseEngineError(errno('ENOENT'), { ...local, dockerHost: 'unix:///run/user/1000/docker.sock' }).fix).toMatch(/owns \/run\/user\/1000\/docker\.sock/);

    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const slow = diagnoseEngineError(timeout, local);
    expect(slow.message).toMatch(/did not answer within 2 s/);
    expect(slow.fix).toBe('sudo systemctl restart docker');

    const http = Object.assign(new Error('(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server.'), { statusCode: 400 });
    const tls = diagnoseEngineError(http, { ...local, dockerHost: 'tcp://h:2376' });
    expect(tls.message).toMatch(/HTTP 400/);
    expect(tls.fix).toMatch(/TLS/);
  });

  it('drops sudo for root', () => {
    expect(diagnoseEngineError(errno('ENOENT'), { ...local, isRoot: true, dockerdPath: undefined }).fix).toBe('apt-get install -y docker.io && systemctl start docker');
  });

  it('never carries a stack trace in the message', () => {
    for (const code of ['EACCES', 'ENOENT', 'ECONNREFUSED', 'EHOSTUNREACH']) {
      const e = diagnoseEngineError(errno(code), local);
      expect(e.message).not.toMatch(/\n\s+at /);
      expect(e.message.split('\n')).toHaveLength(1);
    }
  });
});

describe('canStartLocalEngine', () => {
  it('only for root, the default socket, and a missing or refusing engine', () => {
    const root = { ...local, isRoot: true };
    expect(canStartLocalEngine(errno('ENOENT'), root)).toBe(true);
    expect(canStartLocalEngine(errno('ECONNREFUSED'), { ...root, dockerHost: 'unix:///run/docker.sock' })).toBe(true);
    expect(canStartLocalEngine(errno('ENOENT'), local)).toBe(false);
    expect(canStartLocalEngine(errno('EACCES'), root)).toBe(false);
    expect(canStartLocalEngine(errno('ECONNREFUSED'), { ...root, dockerHost: 'tcp://127.0.0.1:2375' })).toBe(false);
    expect(canStartLocalEngine(Object.assign(new Error('aborted'), { name: 'TimeoutError' }), root)).toBe(false);
  });
});

describe('log and PATH helpers', () => {
  it('picks the telling line of a dockerd log', () => {
    const log = [
      'time="2026-01-01T00:00:00Z" level=info msg="Starting up"',
      'time="2026-01-01T00:00:01Z" level=error msg="failed to mount overlay: \\"invalid argument\\"" storage-driver=overlay2',
      'failed to start daemon: Error initializing network controller: iptables failed',
      ' (exit status 4)',
      '--- exit 1',
    ].join('\n');
    expect(tellingLine(log)).toBe('failed to start daemon: Error initializing network controller: iptables failed');
    expect(tellingLine(log.split('\n').slice(0, 2).join('\n'))).toBe('failed to mount overlay: "invalid argument"');
    expect(tellingLine('one\ntwo\n')).toBe('two');
    expect(tellingLine('')).toBeUndefined();
  });

  it('shortens lines and strips terminal colours', () => {
    expect(shorten('\u001b[91m  a   b \u001b[0m')).toBe('a b');
    expect(shorten('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('finds executables on PATH and in the sbin directories', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bin-'));
    try {
      fs.writeFileSync(path.join(dir, 'lab-fake-tool'), '#!/bin/sh\n', { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'lab-not-executable'), '', { mode: 0o644 });
      expect(findExecutable('lab-fake-tool', dir)).toBe(path.join(dir, 'lab-fake-tool'));
      expect(findExecutable('lab-not-executable', dir)).toBeUndefined();
      expect(withSbin('/opt/bin').split(':')).toEqual(expect.arrayContaining(['/opt/bin', '/usr/sbin', '/sbin']));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
