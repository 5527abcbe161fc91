import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTAINER_CAPABILITIES } from '../docker-proxy/limits';
import { createDockerClient } from '../runtime/docker-client';
import { execInWorkspace } from '../runtime/workspaces';
import { integrationConfig } from '../testing/integration-setup';
import { catalogImageRef } from './index';

/**
 * The catalog's service images (mariadb, wordpress, nginx, registry) on the real engine, each
 * started the way the lab starts a learner's container (the proxy's capabilities, no new
 * privileges, 512 MiB, 256 processes, its file limits) on a throwaway network, and checked
 * from inside (docker exec) or from a client container on the same network.
 */
const config = integrationConfig();
const docker = createDockerClient(config.dockerHost);
const run = randomBytes(4).toString('hex');
const LABELS = { 'lab.test': 'service-images', 'lab.test-run': run };
const MiB = 1024 * 1024;

const containers: Docker.Container[] = [];
const networks: Docker.Network[] = [];
const tags: string[] = [];

async function network(name: string): Promise<string> {
  const full = `lab-int-img-${run}-${name}`;
  networks.push(await docker.createNetwork({ Name: full, Labels: LABELS }));
  return full;
}

interface StartOptions {
  name: string;
  image: string;
  network: string;
  env?: Record<string, string>;
  entrypoint?: string[];
  cmd?: string[];
  /** Container port published on 127.0.0.1 at an ephemeral host port, e.g. '5000/tcp'. */
  publish?: string;
}

/** Creates and starts a container under the lab's container policy; returns it and its name (its DNS name on the network). */
async function start(options: StartOptions): Promise<{ container: Docker.Container; name: string }> {
  const name = `lab-int-img-${run}-${options.name}`;
  const container = await docker.createContainer({
    name,
    Image: options.image,
    Labels: LABELS,
    Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
    ...(options.cmd ? { Cmd: options.cmd } : {}),
    ...(options.publish ? { ExposedPorts: { [options.publish]: {} } } : {}),
    HostConfig: {
      NetworkMode: options.network,
      CapDrop: ['ALL'],
      CapAdd: [...CONTAINER_CAPABILITIES],
      SecurityOpt: ['no-new-privileges'],
      Memory: 512 * MiB,
      MemorySwap: 512 * MiB,
      PidsLimit: 256,
      // What the lab's proxy gives every learner container.
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }],
      ...(options.publish ? { PortBindings: { [options.publish]: [{ HostIp: '127.0.0.1', HostPort: '' }] } } : {}),
    },
  });
  containers.push(container);
  await container.start();
  return { container, name };
}

/** A container on the network to look from: lab/workspace has curl. */
async function client(net: string): Promise<Docker.Container> {
  const { container } = await start({ name: `client-${net.slice(-6)}`, image: catalogImageRef(config, 'lab/workspace'), network: net, cmd: ['sleep', 'infinity'] });
  return container;
}

async function sh(container: Docker.Container, script: string, timeoutMs = 20_000) {
  return execInWorkspace(docker, container.id, ['sh', '-c', script], timeoutMs);
}

/** Retries `probe` until it returns a value, or fails with the last reason after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 1_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function logsOf(container: Docker.Container): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  // Without a TTY each chunk carries an 8-byte header: strip them.
  const parts: Buffer[] = [];
  for (let i = 0; i + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(i + 4);
    parts.push(raw.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Waits until the mariadb container passes the healthcheck the guide's compose file uses. */
async function mariadbReady(db: Docker.Container): Promise<void> {
  await until('mariadb to accept connections', async () => ((await sh(db, 'healthcheck.sh --connect --innodb_initialized')).exitCode === 0 ? true : undefined), 100_000);
}

afterAll(async () => {
  for (const container of containers.reverse()) await container.remove({ force: true, v: true }).catch(() => undefined);
  for (const net of networks) await net.remove().catch(() => undefined);
  for (const tag of tags) await docker.getImage(tag).remove({ noprune: false }).catch(() => undefined);
}, 120_000);

describe('service images of the offline catalog (real engine, learner container policy)', () => {
  it('mariadb initialises from MARIADB_* on first start, accepts the configured user over the network, and stops cleanly', async () => {
    const net = await network('mariadb');
    const password = `pa'ss"w\\rd-${run}`;
    const { container: db, name: dbName } = await start({
      name: 'db',
      image: catalogImageRef(config, 'mariadb'),
      network: net,
      env: { MARIADB_ROOT_PASSWORD: `root-${run}`, MARIADB_DATABASE: 'shop', MARIADB_USER: 'clerk', MARIADB_PASSWORD: password },
    });
    // A second mariadb container as the network client (its own server is never started).
    const { container: cli } = await start({ name: 'dbclient', image: catalogImageRef(config, 'mariadb'), network: net, entrypoint: ['sleep'], cmd: ['infinity'] });
    await mariadbReady(db);

    // The server runs as mysql, listens on 3306 and logs to the container's output.
    expect((await sh(db, 'stat -c %U /proc/1')).stdout.trim()).toBe('mysql');
    const logs = await logsOf(db);
    expect(logs).toContain('MariaDB init process done. Ready for start up.');
    expect(logs).toMatch(/ready for connections[\s\S]*port: 3306/);

    // The env-configured user logs in over TCP from another container and owns the database.
    const quoted = `'${password.replaceAll("'", `'"'"'`)}'`;
    const asClerk = await sh(cli, `mariadb -h ${dbName} -u clerk -p${quoted} shop -e "CREATE TABLE t (x INT); INSERT INTO t VALUES (42); SELECT x FROM t; SELECT CURRENT_USER()"`);
    expect(asClerk.stderr).toBe('');
    expect(asClerk.stdout).toContain('x\n42\n');
    expect(asClerk.stdout).toContain('clerk@%');
    // Root, as the guide does it: docker exec with the password from the container's own environment.
    const asRoot = await sh(db, 'mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" -e "SHOW DATABASES"');
    expect(asRoot.stdout.split('\n')).toEqual(expect.arrayContaining(['Database', 'mysql', 'shop']));
    // The user's rights stop at its database.
    const denied = await sh(cli, `mariadb -h ${dbName} -u clerk -p${quoted} -e "CREATE DATABASE other"`);
    expect(denied.stderr).toMatch(/Access denied/);

    // SIGTERM (docker stop): a clean InnoDB shutdown well inside the stop timeout.
    const stopping = Date.now();
    await db.stop({ t: 30 });
    expect(Date.now() - stopping).toBeLessThan(25_000);
    expect((await db.inspect()).State.ExitCode).toBe(0);
    expect(await logsOf(db)).toContain('mariadbd: Shutdown complete');
  }, 120_000);

  it('mariadb refuses an uninitialised start without a root password option, as upstream', async () => {
    const net = await network('nopw');
    const { container } = await start({ name: 'nopw', image: catalogImageRef(config, 'mariadb'), network: net });
    const state = await until('the container to exit', async () => {
      const s = (await container.inspect()).State;
      return s.Running ? undefined : s;
    }, 60_000, 500);
    expect(state.ExitCode).toBe(1);
    expect(await logsOf(container)).toContain('You need to specify one of MARIADB_ROOT_PASSWORD');
  }, 90_000);

  it('wordpress with mariadb (MYSQL_* names, host:port) serves the WordPress install page', async () => {
    const net = await network('wp');
    const { container: db, name: dbName } = await start({
      name: 'wpdb',
      image: catalogImageRef(config, 'mariadb'),
      network: net,
      env: { MYSQL_ROOT_PASSWORD: `root-${run}`, MYSQL_DATABASE: 'wordpress', MYSQL_USER: 'wp', MYSQL_PASSWORD: `wp-${run}` },
    });
    const { container: wp, name: wpName } = await start({
      name: 'wp',
      image: catalogImageRef(config, 'wordpress'),
      network: net,
      env: { WORDPRESS_DB_HOST: `${dbName}:3306`, WORDPRESS_DB_USER: 'wp', WORDPRESS_DB_PASSWORD: `wp-${run}`, WORDPRESS_DB_NAME: 'wordpress' },
    });
    const look = await client(net);
    await mariadbReady(db);

    // Until WordPress reaches its database it answers 500; then it redirects to its installer.
    const status = await until(
      'WordPress to reach its database',
      async () => {
        const code = (await sh(look, `curl -s -o /dev/null -w '%{http_code}' http://${wpName}/`)).stdout;
        return code === '302' ? code : undefined;
      },
      60_000,
    );
    expect(status).toBe('302');
    const headers = (await sh(look, `curl -sI http://${wpName}/`)).stdout;
    expect(headers).toMatch(/^Location: http:\/\/[^/]+\/wp-admin\/install\.php/im);
    expect(headers).toMatch(/^Server: Apache\/2\.4\.\d+ \(Debian\)/im);
    expect(headers).toMatch(/^X-Powered-By: PHP\/8\./im);

    const page = (await sh(look, `curl -sL http://${wpName}/`)).stdout;
    expect(page).toContain('<title>WordPress &rsaquo; Installation</title>');
    expect(page).toContain('Welcome to the famous five-minute WordPress installation process!');
    expect(page).toMatch(/<form id="setup" method="post" action="install\.php\?step=2/);

    // The entrypoint copied WordPress into the volume for Apache's user and wrote wp-config.php.
    const files = await sh(wp, 'stat -c "%U %n" wp-config.php index.php wp-content/themes/twentytwentyfive; grep -c "put your unique phrase here" wp-config.php');
    expect(files.stdout).toBe('www-data wp-config.php\nwww-data index.php\nwww-data wp-content/themes/twentytwentyfive\n0\n');
    const logs = await logsOf(wp);
    expect(logs).toContain('WordPress has been successfully copied to /var/www/html');
    expect(logs).toMatch(/"GET \/ HTTP\/1\.1" 302/);
  }, 120_000);

  it('nginx serves its default page from /usr/share/nginx/html, logs requests to stdout, and stops on SIGQUIT', async () => {
    const net = await network('nginx');
    const { container: web, name: webName } = await start({ name: 'web', image: catalogImageRef(config, 'nginx'), network: net });
    const look = await client(net);
    const page = await until(
      'nginx to answer',
      async () => {
        const r = await sh(look, `curl -si http://${webName}/`);
        return r.exitCode === 0 && r.stdout.includes('200 OK') ? r.stdout : undefined;
      },
      30_000,
      500,
    );
    expect(page).toMatch(/^Server: nginx\/1\.\d+\.\d+/m);
    expect(page).toContain('<h1>Welcome to nginx!</h1>');
    expect((await sh(web, 'cat /usr/share/nginx/html/index.html')).stdout).toContain('Welcome to nginx!');
    // Workers drop to the nginx user; the master stays root to bind port 80.
    const users = (await sh(web, 'for p in /proc/[0-9]*; do stat -c %U "$p"; done | sort | uniq -c')).stdout;
    expect(users).toMatch(/\bnginx\b/);
    await until('the access log line', async () => ((await logsOf(web)).includes('"GET / HTTP/1.1" 200') ? true : undefined), 10_000, 500);
    await web.stop({ t: 10 });
    expect((await web.inspect()).State.ExitCode).toBe(0);
  }, 120_000);

  it('registry:2 accepts a push through the engine and lists it in /v2/_catalog', async () => {
    const net = await network('registry');
    const { container: registry, name: registryName } = await start({ name: 'registry', image: catalogImageRef(config, 'registry'), network: net, publish: '5000/tcp' });
    const look = await client(net);
    const port = await until(
      'the published port',
      async () => (await registry.inspect()).NetworkSettings.Ports['5000/tcp']?.[0]?.HostPort || undefined,
      10_000,
      200,
    );
    await until('the registry to answer', async () => ((await sh(look, `curl -sf http://${registryName}:5000/v2/`)).exitCode === 0 ? true : undefined), 30_000, 500);

    // The engine pushes to 127.0.0.1:<port> over plain HTTP (127.0.0.0/8 is an insecure-allowed registry).
    const repo = `127.0.0.1:${port}/lab-int-${run}/busybox`;
    const source = catalogImageRef(config, 'busybox');
    await docker.getImage(source).tag({ repo, tag: '1.0' });
    tags.push(`${repo}:1.0`);
    // No credentials, but the engine wants an X-Registry-Auth header all the same.
    const stream = await docker.getImage(`${repo}:1.0`).push({ authconfig: { serveraddress: `127.0.0.1:${port}` } });
    const pushError = await new Promise<string | undefined>((resolve, reject) => {
      let error: string | undefined;
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve(error)),
        (event: { error?: string }) => {
          if (event.error) error ??= event.error;
        },
      );
    });
    expect(pushError).toBeUndefined();

    const catalog = JSON.parse((await sh(look, `curl -sf http://${registryName}:5000/v2/_catalog`)).stdout) as { repositories: string[] };
    expect(catalog.repositories).toContain(`lab-int-${run}/busybox`);
    const tagList = JSON.parse((await sh(look, `curl -sf http://${registryName}:5000/v2/lab-int-${run}/busybox/tags/list`)).stdout) as { tags: string[] };
    expect(tagList.tags).toEqual(['1.0']);
    // The stored layers are in the volume, where the official image keeps them.
    expect((await sh(registry, `ls /var/lib/registry/docker/registry/v2/repositories/lab-int-${run}`)).stdout).toBe('busybox\n');
  }, 120_000);
});
