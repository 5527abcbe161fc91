import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const cwd = '/srv/lab';

describe('loadConfig', () => {
  it('uses safe defaults: loopback, port 3000, offline images, no egress', () => {
    const config = loadConfig([], {}, cwd);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, images: 'offline', allowEgress: false, dockerHost: 'unix:///var/run/docker.sock' });
    expect(config.dataDir).toBe(path.join(cwd, '.lab-data'));
  });

  it('reads environment variables and lets flags win over them', () => {
    const config = loadConfig(['--port', '4000', '--host', '0.0.0.0'], { PORT: '5000', HOST: '10.0.0.1', LAB_IMAGES: 'upstream', LAB_ALLOW_EGRESS: 'true' }, cwd);
    expect(config).toMatchObject({ port: 4000, host: '0.0.0.0', images: 'upstream', allowEgress: true });
  });

  it('accepts --flag=value and boolean flags', () => {
    expect(loadConfig(['--port=4100', '--allow-egress', '--dev'], {}, cwd)).toMatchObject({ port: 4100, allowEgress: true, dev: true });
  });

  it.each([
    [['--port', '70000'], /--port \/ PORT \("70000"\): must be between 1 and 65535/],
    [['--port', 'eighty'], /--port \/ PORT \("eighty"\): must be a number/],
    [['--images', 'cloud'], /--images \/ LAB_IMAGES .*"offline" or "upstream"/],
    [['--docker-host', 'docker.example:2375'], /DOCKER_HOST .*unix:\/\/\/var\/run\/docker.sock or tcp:\/\/host:2375/],
    [['--public-url', 'lab.example.org'], /--public-url .*full URL/],
    [['--workspace-memory-mb=-1'], /must be above 0/],
  ])('rejects %j with one line naming the setting and what to do', (argv, message) => {
    expect(() => loadConfig(argv, {}, cwd)).toThrow(ConfigError);
    expect(() => loadConfig(argv, {}, cwd)).toThrow(message);
    try {
      loadConfig(argv, {}, cwd);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('rejects unknown flags and lists the known ones', () => {
    expect(() => loadConfig(['--prot', '80'], {}, cwd)).toThrow(/Unknown option '--prot'.*Known flags: --host --port/);
  });

  it('rejects a bad port given through the environment as well', () => {
    expect(() => loadConfig([], { PORT: '0.5' }, cwd)).toThrow(/PORT \("0.5"\): must be a whole number/);
  });

  it('ignores empty environment variables', () => {
    expect(loadConfig([], { PORT: '' }, cwd).port).toBe(3000);
  });
});
