import fc from 'fast-check';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAck, encodeInput, encodePing, encodeResize, Op, PROTOCOL } from '../protocol/terminal';
import { COOKIE_NAME } from '../sessions/identity';
import { rawSocketExchange, socketRequest } from '../testing/engine-socket';
import { startPracticeHarness, type PracticeHarness, type PracticeLearner } from '../testing/practice-harness';
import { chaosDataDir, figure, mb, SCALE } from './scale';
import { closeHarness } from './lab-process';

/**
 * Property-based hostile input at every edge a learner (or anyone on the network) reaches:
 * REST bodies, query strings, cookies, headers, terminal WebSocket frames, and Engine API
 * requests on a learner's own proxy socket. For every case: no 500 for garbage, the server keeps
 * answering, nothing of the other learner ("victim") appears in any answer; after each edge the
 * heap returns to its baseline.
 */
const decodeURIComponentSafe = (text: string) => {
  try {
    return `${text}\n${decodeURIComponent(text)}`;
  } catch {
    return text;
  }
};
const RUNS: number = SCALE.casesPerEdge;
const SECRET = 'victimsecretmarker';

describe(`hostile input, ${RUNS} cases per edge (fast-check)`, () => {
  let harness: PracticeHarness;
  let attacker: PracticeLearner;
  let victim: PracticeLearner;
  let victimContainer = '';
  let victimWorkspace = '';
  let host = '';
  let port = 0;
  const dataDir = chaosDataDir('hostile');

  /** Everything that identifies the victim: none of it may reach the attacker. */
  const victimSecrets = () => [victim.learnerId, victim.cookie.split('=')[1]!, victimContainer, victimWorkspace, SECRET];
  // A secret the request itself carried may be echoed in an error ("no such container: …"): that is not a leak.
  const expectNoLeak = (text: string, what: string, request = '') => {
    for (const secret of victimSecrets()) if (secret && !request.includes(secret) && text.includes(secret)) throw new Error(`${what} leaked victim data ${secret.slice(0, 12)}…: ${text.slice(0, 300)}`);
  };
  /** What the answers were, per edge: proof the cases reach real handlers and not only the parser. */
  let outcomes = new Map<string, number>();
  const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  const statusOf = (answer: string) => {
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
    count(String(status || 'no answer'));
    return status;
  };

  const heap = () => {
    global.gc?.();
    global.gc?.();
    return process.memoryUsage().heapUsed;
  };
  /** Runs an edge's property and reports heap before/after; the server must still answer health. */
  async function edge<T extends [unknown, ...unknown[]]>(name: string, property: fc.IAsyncPropertyWithHooks<T>, runs = RUNS): Promise<void> {
    await fc.assert(property, { numRuns: Math.min(50, runs) }); // warm-up: JIT, pools, lazily built routes
    const before = heap();
    outcomes = new Map();
    const started = performance.now();
    await fc.assert(property, { numRuns: runs });
    const seconds = (performance.now() - started) / 1000;
    const health = await fetch(`http://${host}:${port}/api/lab/health`);
    expect(health.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = heap();
    figure(`hostile ${name}`, `${runs} cases in ${seconds.toFixed(1)} s, 0 crashes, 0 × 500, 0 leaks; heap ${mb(before)} → ${mb(after)}; answers ${[...outcomes].sort().map(([k, v]) => `${k}×${v}`).join(' ')}`);
    expect(after - before).toBeLessThan(24 * 1024 * 1024);
  }

  beforeAll(async () => {
    // Two workspaces from 127.0.0.1 and no room for a third: a random POST /api/lab/session is
    // queued (and forgotten after 30 s) rather than starting thousands of containers.
    harness = await startPracticeHarness('hostile', { dataDir, maxWorkspacesPerIp: 2, maxWorkspaces: 2 });
    const url = new URL(harness.url);
    host = url.hostname;
    port = Number(url.port);
    [attacker, victim] = await Promise.all([harness.learner(), harness.learner()]);
    await victim.sh(`docker pull busybox >/dev/null && docker run -d --name ${SECRET} busybox sleep 3600 >/dev/null`);
    victimContainer = (await socketRequest(victim.socketPath, 'GET', `/v1.41/containers/${SECRET}/json`)).json<{ Id: string }>().Id;
    victimWorkspace = harness.lab.sessions.containerOf(victim.learnerId)!;
    harness.lab.store.recordPass(victim.learnerId, SECRET, SECRET);
    await attacker.sh('docker pull busybox >/dev/null');
  }, 240_000);

  afterAll(async () => {
    // The victim is untouched: their container still runs under its name, their progress is theirs.
    const still = await socketRequest(victim.socketPath, 'GET', `/v1.41/containers/${SECRET}/json`);
    expect(still.json<{ State: { Running: boolean } }>().State.Running).toBe(true);
    expect(harness.lab.store.passedSteps(victim.learnerId)).toHaveLength(1);
    await closeHarness(harness, undefined, dataDir);
  }, 120_000);

  const printable = fc.string({ unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@ABCZ[\\]^_`abcz{|}~\t'.split('')), maxLength: 80 });
  const anyBytes = fc.uint8Array({ maxLength: 2048 });
  const cookieHeader = () =>
    fc.oneof(
      fc.constant(''),
      printable.map((v) => `${COOKIE_NAME}=${v}`),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((v) => `${COOKIE_NAME}=${v}`),
      printable,
      fc.constant(`${COOKIE_NAME}=`),
      fc.array(printable, { maxLength: 5 }).map((parts) => parts.map((p) => `${COOKIE_NAME}=${p}`).join('; ')),
    );
  const labPaths = [
    '/api/lab/health',
    '/metrics',
    '/api/lab/session',
    '/api/lab/session/extend',
    '/api/lab/session/reset',
    '/api/lab/session/keepalive',
    '/api/lab/progress',
    '/api/lab/checks/first-commands/two-web-servers',
    '/api/lab',
    '/api/lab/terminal',
    '/preview/8000/',
  ];
  const pathArb = fc.oneof(
    fc.constantFrom(...labPaths),
    fc.tuple(fc.constantFrom(...labPaths), printable).map(([p, extra]) => p + encodeURI(extra).replace(/%25/g, '%')),
    fc.tuple(fc.constantFrom('/api/lab/checks/', '/preview/', '/api/lab/session/'), fc.array(fc.oneof(printable.map(encodeURIComponent), fc.constantFrom('%', '%ZZ', '..', '%2e%2e', '%00', '%c0%af', '')), { maxLength: 4 })).map(([p, segs]) => p + segs.join('/')),
  );
  const queryArb = fc.oneof(fc.constant(''), printable.map((q) => `?${encodeURI(q)}`), fc.array(fc.tuple(printable, printable), { maxLength: 6 }).map((kv) => `?${kv.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`));
  const bodyArb = fc.oneof(
    fc.constant(Buffer.alloc(0)),
    anyBytes.map((b) => Buffer.from(b)),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc.constantFrom('{}', '{"passed":true}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '[]', 'null', '{"a":'.repeat(200)).map((s) => Buffer.from(s)),
    fc.integer({ min: 16 * 1024, max: 40 * 1024 }).map((n) => Buffer.alloc(n, 0x7b)),
  );
  const rawHeaderArb = fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom('Origin', 'Content-Type', 'X-Forwarded-For', 'Transfer-Encoding', 'Content-Length', 'Connection', 'Upgrade', 'Accept-Encoding', 'Range', 'Expect'), fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/)),
      fc.oneof(printable, fc.constantFrom('http://evil.example', 'null', 'application/json', 'chunked', '-1', '99999999999', 'upgrade', 'websocket', '100-continue', 'bytes=0-1,0-1')),
    ),
    { maxLength: 6 },
  );
  // Mostly plain requests, so most cases get past the HTTP parser to the handlers.
  const headerArb = fc.oneof({ weight: 3, arbitrary: fc.constant<Array<[string, string]>>([]) }, { weight: 1, arbitrary: rawHeaderArb });

  it('REST bodies, query strings, cookies and headers on the lab API', async () => {
    const property = fc.asyncProperty(fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'PATCH', 'get', 'X'), pathArb, queryArb, cookieHeader(), headerArb, bodyArb, async (method, path, query, cookie, headers, body) => {
      const lines = [`${method} ${path}${query} HTTP/1.1`, `Host: ${host}:${port}`, 'Connection: close'];
      if (cookie) lines.push(`Cookie: ${cookie}`);
      for (const [name, value] of headers) if (!/^(connection|host|content-length)$/i.test(name)) lines.push(`${name}: ${value}`);
      lines.push(`Content-Length: ${body.length}`);
      const request = Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
      const answer = await rawSocketExchange({ host, port }, request, 10_000);
      const status = statusOf(answer);
      if (status >= 500) throw new Error(`${method} ${path}${query} → ${status}: ${answer.slice(0, 400)}`);
      expectNoLeak(answer, `${method} ${path}`, decodeURIComponentSafe(request.toString('latin1')));
    });
    await edge('REST (body, query, cookie, headers)', property);
  });

  it('terminal WebSocket: hostile upgrades, hellos and frames', async () => {
    const attackerCookie = attacker.cookie;
    const frameArb = fc.oneof(
      anyBytes.map((b) => ({ binary: true, data: Buffer.from(b) })),
      printable.map((t) => ({ binary: false, data: Buffer.from(t) })),
      fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })).map(([c, r]) => ({ binary: true, data: Buffer.from(encodeResize(c, r)) })),
      fc.integer({ min: -1, max: 2 ** 32 - 1 }).map((n) => ({ binary: true, data: Buffer.from(encodeAck(Math.max(0, n))) })),
      fc.double().map((ts) => ({ binary: true, data: Buffer.from(encodePing(ts)) })),
      // Input the shell can take without leaving: letters and a Ctrl-C, never a Ctrl-D.
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\x03'), maxLength: 20 }).map((t) => ({ binary: true, data: Buffer.from(encodeInput(new TextEncoder().encode(t))) })),
      fc.integer({ min: 0, max: 255 }).filter((op) => op > Op.ping).map((op) => ({ binary: true, data: Buffer.from([op, 1, 2, 3]) })),
    );
    const helloArb = fc.oneof(
      fc.record({ t: fc.constant('hello'), v: fc.constant(1), paneId: fc.constantFrom('1', '2'), lastSeq: fc.oneof(fc.constant(null), fc.nat()), cols: fc.integer({ min: 2, max: 500 }), rows: fc.integer({ min: 1, max: 200 }) }).map((h) => JSON.stringify(h)),
      fc.record({ t: fc.constantFrom('hello', 'Hello', 'x'), v: fc.jsonValue(), paneId: fc.oneof(printable, fc.jsonValue()), lastSeq: fc.jsonValue(), cols: fc.jsonValue(), rows: fc.jsonValue(), viewer: fc.jsonValue() }, { requiredKeys: [] }).map((h) => JSON.stringify(h)),
      printable,
    );
    const property = fc.asyncProperty(
      fc.oneof({ weight: 4, arbitrary: fc.constant(`${COOKIE_NAME}=${attackerCookie.split('=')[1]}`) }, { weight: 1, arbitrary: cookieHeader() }),
      fc.oneof({ weight: 4, arbitrary: fc.constant(PROTOCOL) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9.]{1,12}$/) }),
      fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('http://evil.example', `http://${host}:${port}`, 'null') }),
      helloArb,
      fc.array(frameArb, { maxLength: 8 }),
      async (cookie, protocol, origin, hello, frames) => {
        const ws = new WebSocket(`ws://${host}:${port}/api/lab/terminal`, protocol, { headers: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) } });
        const received: string[] = [];
        let upgradeStatus = 0;
        ws.on('unexpected-response', (_req, res) => {
          upgradeStatus = res.statusCode ?? 0;
          res.resume();
          ws.terminate();
        });
        ws.on('message', (data: Buffer) => received.push(data.toString('latin1')));
        const closed = new Promise<number>((resolve) => {
          ws.on('close', (code) => resolve(code));
          ws.on('error', () => resolve(-1));
        });
        await new Promise<void>((resolve) => {
          ws.once('open', () => resolve());
          ws.once('close', () => resolve());
          ws.once('error', () => resolve());
        });
        if (ws.readyState === ws.OPEN) {
          ws.send(hello);
          for (const frame of frames) if (ws.readyState === ws.OPEN) ws.send(frame.data, { binary: frame.binary });
          await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 30))]);
          ws.close();
        }
        const code = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => resolve(0), 5_000))]);
        if (code === 0) ws.terminate();
        count(upgradeStatus ? `http ${upgradeStatus}` : received.some((m) => m.includes('"t":"ready"')) ? `ready+${code}` : `close ${code}`);
        if (upgradeStatus >= 500) throw new Error(`upgrade answered ${upgradeStatus}`);
        // 1011 (internal error) is ws's own code for a server that threw.
        if (code === 1011) throw new Error('server closed with 1011 (internal error)');
        expectNoLeak(received.join(''), 'terminal socket');
      },
    );
    await edge('terminal WebSocket (upgrade, hello, frames)', property);
    expect(harness.lab.panes.size).toBeLessThanOrEqual(4);
  });

  it('regression: a build context that is not a tar is refused with 400, not 500 (found by the property below)', async () => {
    for (const body of ['{}', 'x', Buffer.alloc(1024, 1)]) {
      const answer = await socketRequest(attacker.socketPath, 'POST', '/v1.41/build', body, { 'Content-Type': 'application/x-tar' });
      expect(answer.status, answer.body).toBe(400);
      expect(answer.body).toMatch(/not a valid tar archive|Cannot locate specified Dockerfile/);
    }
  });

  it('Engine API requests on the attacker’s own proxy socket', async () => {
    const idArb = fc.oneof(fc.constantFrom(SECRET, 'web', 'busybox', '..', '%2e%2e', victimContainer.slice(0, 12), victimContainer, victimWorkspace, 'lab-x', '*'), printable.map(encodeURIComponent), fc.stringMatching(/^[0-9a-f]{1,64}$/));
    const endpointArb = fc.oneof(
      fc.constantFrom('/_ping', '/version', '/info', '/containers/json', '/images/json', '/networks', '/volumes', '/events', '/system/df', '/containers/create', '/networks/create', '/volumes/create', '/build', '/images/create', '/exec/x/start', '/swarm', '/plugins', '/secrets', '/session', '/grpc'),
      fc.tuple(fc.constantFrom('/containers/', '/images/', '/networks/', '/volumes/', '/exec/'), idArb, fc.constantFrom('', '/json', '/start', '/stop', '/kill', '/logs', '/attach', '/exec', '/wait', '/archive', '/export', '/top', '/changes', '/stats', '/rename', '/update', '/resize', '/connect', '/disconnect', '/tag', '/push', '/history', '/get')).map(([a, b, c]) => a + b + c),
    );
    const versionArb = fc.constantFrom('', '/v1.41', '/v1.24', '/v1.44', '/v9.99', '/v1.41/v1.41', '//v1.41', '/V1.41');
    const dockerBodyArb = fc.oneof(
      bodyArb,
      fc.record({ Image: fc.constantFrom('busybox', SECRET, victimContainer, '../x', ''), Cmd: fc.array(printable, { maxLength: 3 }), HostConfig: fc.dictionary(fc.constantFrom('Privileged', 'Binds', 'NetworkMode', 'PidMode', 'Memory', 'CapAdd', 'Mounts', 'VolumesFrom', 'Links', 'privileged'), fc.jsonValue()), Name: fc.constantFrom(SECRET, 'x') }, { requiredKeys: [] }).map((v) => Buffer.from(JSON.stringify(v))),
    );
    const property = fc.asyncProperty(fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'HEAD'), versionArb, endpointArb, queryArb, headerArb, dockerBodyArb, async (method, version, endpoint, query, headers, body) => {
      const lines = [`${method} ${version}${endpoint}${query} HTTP/1.1`, 'Host: docker', 'Connection: close'];
      for (const [name, value] of headers) if (!/^(connection|host|content-length|transfer-encoding|upgrade)$/i.test(name)) lines.push(`${name}: ${value}`);
      lines.push(`Content-Length: ${body.length}`);
      const request = Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
      const answer = await rawSocketExchange(attacker.socketPath, request, 1_500);
      const status = statusOf(answer);
      if (status >= 500) throw new Error(`${method} ${version}${endpoint}${query} → ${status}: ${answer.slice(0, 400)}`);
      expectNoLeak(answer, `proxy ${method} ${endpoint}`, decodeURIComponentSafe(request.toString('latin1')));
    });
    // Long streams (events, logs -f, attach, stats) are cut after 1.5 s: the status line and the first bytes are what is judged.
    await edge('Engine API on a learner’s proxy socket', property);
  });
});
