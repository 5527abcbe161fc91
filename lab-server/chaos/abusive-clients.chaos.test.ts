import net from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summary } from '../../bench/stats';
import { PROXY_MAX_CONNECTIONS } from '../docker-proxy/limits';
import { HTTP_TIMEOUTS } from '../http/slow-clients';
import { encodeAck, encodeInput, PROTOCOL } from '../protocol/terminal';
import { learnerFromToken } from '../sessions/identity';
import { socketRequest } from '../testing/engine-socket';
import { startPracticeHarness, type PracticeHarness, type PracticeLearner } from '../testing/practice-harness';
import { Learners } from './learners';
import { chaosDataDir, expectEchoWithinBudget, figure, LONG, mb, SCALE, sleep } from './scale';
import { closeHarness } from './lab-process';

/**
 * Slow and abusive clients: slowloris on the lab's port and on a learner's Docker socket, a
 * terminal WebSocket that never reads (and lies in its acks), 200 connections at once from one
 * address. The caps must apply to the abuser, and the other learners' echo stays ≤ 50 ms p99.
 */
const ABUSE_MS = LONG ? 20_000 : 4_000;

describe('slow and abusive clients', () => {
  let harness: PracticeHarness;
  let attacker: PracticeLearner;
  let others: Learners;
  let host = '';
  let port = 0;
  const dataDir = chaosDataDir('abusive');
  const opened: net.Socket[] = [];

  const victimSocket = () => harness.lab.practice.socketPathOf(learnerFromToken(others.cookies[0]!.split('=')[1]!).id);
  /** When each slow socket closed (recorded from its start, so a socket closed before we look still has its time). */
  const closedAt = new WeakMap<net.Socket, number>();
  const closedWithin = (sockets: net.Socket[]) => Promise.all(sockets.map((s) => new Promise<number>((resolve) => (closedAt.has(s) ? resolve(closedAt.get(s)!) : s.once('close', () => resolve(closedAt.get(s)!))))));

  /** Opens `count` connections that send a request one byte at a time, forever. */
  function slowloris(connect: () => net.Socket, count: number, head: string): net.Socket[] {
    const sockets: net.Socket[] = [];
    for (let i = 0; i < count; i++) {
      const socket = connect();
      socket.on('error', () => undefined);
      let offset = 0;
      const drip = setInterval(() => {
        if (socket.destroyed) return clearInterval(drip);
        socket.write(offset < head.length ? head[offset++]! : 'X');
      }, 1000);
      socket.once('close', () => {
        closedAt.set(socket, performance.now());
        clearInterval(drip);
      });
      sockets.push(socket);
      opened.push(socket);
    }
    return sockets;
  }

  let baseline: number[] = [];
  function report(name: string, echo: number[], extra = ''): void {
    figure(`${name}: other learners' echo`, `${summary(echo)}${extra ? `; ${extra}` : ''}`);
    expectEchoWithinBudget(echo, baseline);
  }

  beforeAll(async () => {
    harness = await startPracticeHarness('abusive', { dataDir, maxWorkspacesPerIp: SCALE.learners + 2, maxWorkspaces: SCALE.learners + 2 });
    const url = new URL(harness.url);
    host = url.hostname;
    port = Number(url.port);
    attacker = await harness.learner();
    others = await Learners.start(harness.url, SCALE.learners - 1);
    baseline = await others.echoWhile(Promise.resolve(), ABUSE_MS);
    figure(`no fault (${SCALE.learners - 1} learners typing): echo`, summary(baseline));
  }, 300_000);

  afterAll(async () => {
    for (const socket of opened) socket.destroy();
    await closeHarness(harness, others, dataDir);
  }, 120_000);

  it('slowloris on the lab’s HTTP port: dropped after the headers timeout; nobody else notices', async () => {
    const started = performance.now();
    const sockets = slowloris(() => net.connect(port, host), SCALE.slowConnections, `GET /api/lab/health HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `);
    const health: number[] = [];
    const during = (async () => {
      while (performance.now() - started < ABUSE_MS) {
        const t0 = performance.now();
        expect((await fetch(`${harness.url}/api/lab/health`)).status).toBe(200);
        health.push(performance.now() - t0);
        await sleep(250);
      }
    })();
    const echo = await others.echoWhile(during, ABUSE_MS);
    const closeTimes = await closedWithin(sockets);
    const latest = (Math.max(...closeTimes) - started) / 1000;
    report(`slowloris ×${SCALE.slowConnections} on HTTP`, echo, `health ${summary(health, 1)}; all ${sockets.length} slow connections closed by the server after ≤ ${latest.toFixed(1)} s (headersTimeout ${HTTP_TIMEOUTS.headersTimeout! / 1000} s)`);
    expect(latest).toBeLessThan((HTTP_TIMEOUTS.headersTimeout! + HTTP_TIMEOUTS.connectionsCheckingInterval! + 5_000) / 1000);
  });

  it('slowloris on a learner’s Docker socket: capped per learner; the others’ Docker calls and echo unaffected', async () => {
    const count = Math.max(SCALE.slowConnections, PROXY_MAX_CONNECTIONS + 20);
    // Half dribble headers, half send headers and then dribble a body they never finish.
    const heads = slowloris(() => net.connect(attacker.socketPath), count / 2, 'GET /v1.41/containers/json HTTP/1.1\r\nHost: docker\r\nX-Slow: ');
    const bodies = slowloris(() => net.connect(attacker.socketPath), count / 2, '');
    for (const socket of bodies) socket.write('POST /v1.41/containers/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{');
    await sleep(500);
    // Over the cap, the learner's own CLI gets a readable refusal, not a hang.
    const own = await socketRequest(attacker.socketPath, 'GET', '/_ping');
    expect(own.status).toBe(429);
    expect(own.body).toMatch(/at most 64 connections to your Docker socket/);
    const started = performance.now();
    const dockerCalls: number[] = [];
    const during = (async () => {
      while (performance.now() - started < ABUSE_MS) {
        const t0 = performance.now();
        expect((await socketRequest(victimSocket(), 'GET', '/v1.41/containers/json')).status).toBe(200);
        dockerCalls.push(performance.now() - t0);
        await sleep(200);
      }
    })();
    const echo = await others.echoWhile(during, ABUSE_MS);
    const open = [...heads, ...bodies].filter((s) => !s.destroyed).length;
    report(`slowloris ×${count} on one learner's Docker socket`, echo, `another learner's GET /containers/json ${summary(dockerCalls, 1)}; abuser holds ${Math.min(open, PROXY_MAX_CONNECTIONS)} connections (cap ${PROXY_MAX_CONNECTIONS}), the rest answered 429`);
    for (const socket of [...heads, ...bodies]) socket.destroy();
    await sleep(300);
    expect((await socketRequest(attacker.socketPath, 'GET', '/_ping')).status).toBe(200);
  });

  it('a terminal WebSocket that never reads (and acks what it never read): dropped, memory bounded', async () => {
    const ws = new WebSocket(`ws://${host}:${port}/api/lab/terminal`, PROTOCOL, { headers: { cookie: attacker.cookie } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let ready = false;
    let droppedAt = 0;
    ws.on('close', () => (droppedAt ||= performance.now()));
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary && data.toString().includes('"ready"')) ready = true;
    });
    ws.send(JSON.stringify({ t: 'hello', v: 1, paneId: '3', lastSeq: null, cols: 80, rows: 24 }));
    while (!ready) await sleep(20);
    global.gc?.();
    const before = process.memoryUsage();
    ws.send(encodeInput(new TextEncoder().encode('yes lab-flood-line-of-some-length\r')));
    ws.pause(); // stop reading the TCP socket: the kernel buffers fill, then the server's queue would
    // …while claiming every byte was read, so the ack-based flow control would never pause the shell.
    const liar = setInterval(() => ws.send(encodeAck(1024 * 1024)), 20);
    let peak = 0;
    const started = performance.now();
    const during = (async () => {
      while (performance.now() - started < ABUSE_MS && ws.readyState !== ws.CLOSED) {
        await sleep(100);
        const now = process.memoryUsage();
        peak = Math.max(peak, now.arrayBuffers + now.heapUsed - before.arrayBuffers - before.heapUsed);
      }
    })();
    const echo = await others.echoWhile(during, ABUSE_MS);
    clearInterval(liar);
    const droppedAfter = droppedAt ? `dropped by the server after ${((droppedAt - started) / 1000).toFixed(1)} s` : 'still open';
    ws.terminate();
    report('terminal WebSocket that never reads', echo, `${droppedAfter}; server heap+buffers growth peak ${mb(peak)}`);
    expect(peak).toBeLessThan(64 * 1024 * 1024);
    expect(droppedAt).toBeGreaterThan(0);
    // The abuser's pane is still theirs: a fresh connection replays and works.
    const again = new (await import('../testing/term-client')).TermClient(harness.url, attacker.cookie);
    again.maxOutputChars = 4096;
    await again.hello('3', null);
    again.type('\x03');
    expect(await again.run('echo back', 20_000)).toContain('back');
    await again.close();
  });

  it(`${SCALE.slowConnections} connections at once from one address: per-learner and per-address caps apply`, async () => {
    const n = SCALE.slowConnections;
    const cookiesMade: string[] = [];
    const started = performance.now();
    const burst = (async () => {
      // Terminal sockets with the abuser's own cookie: at most 8 per learner.
      const sockets = Array.from({ length: n }, () => new WebSocket(`ws://${host}:${port}/api/lab/terminal`, PROTOCOL, { headers: { cookie: attacker.cookie } }));
      const codes = await Promise.all(sockets.map((ws) => new Promise<number>((resolve) => {
        ws.on('error', () => resolve(-1));
        ws.on('close', (code) => resolve(code));
        ws.on('open', () => setTimeout(() => ws.close(), 1500));
      })));
      // Session starts without a cookie (each a new "learner"): the per-address workspace cap queues them.
      const starts = await Promise.all(Array.from({ length: n }, async () => {
        const res = await fetch(`${harness.url}/api/lab/session`, { method: 'POST' });
        const cookie = res.headers.get('set-cookie')?.split(';')[0];
        if (cookie) cookiesMade.push(cookie);
        return { status: res.status, state: ((await res.json()) as { state: string }).state };
      }));
      // Plain requests: all answered.
      const plain = await Promise.all(Array.from({ length: n }, () => fetch(`${harness.url}/api/lab/health`).then((r) => r.status)));
      return { codes, starts, plain };
    })();
    const echo = await others.echoWhile(burst, ABUSE_MS);
    const { codes, starts, plain } = await burst;
    const tooMany = codes.filter((c) => c === 4429).length;
    const launched = starts.filter((s) => s.state !== 'queued').length;
    report(`${n} connects at once from one address`, echo, `terminal sockets: ${n - tooMany} accepted, ${tooMany} refused 4429 (8 per learner); session starts: ${launched} started, ${n - launched} queued; health: ${plain.filter((s) => s === 200).length}/${n} answered 200; in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(tooMany).toBeGreaterThanOrEqual(n - 8);
    expect(starts.every((s) => s.status === 200)).toBe(true);
    expect(launched).toBeLessThanOrEqual(2);
    expect(plain.every((s) => s === 200)).toBe(true);
    await Promise.all(cookiesMade.map((cookie) => fetch(`${harness.url}/api/lab/session`, { method: 'DELETE', headers: { cookie } })));
  });
});
