import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabServer, type LabServer } from '../http/server';
import { createLogger } from '../log';
import { Close, MAX_INPUT_BYTES } from '../protocol/terminal';
import { integrationConfig } from '../testing/integration-setup';
import { startSession, TermClient } from '../testing/term-client';

describe('live terminals (real engine, real WebSocket)', () => {
  let lab: LabServer;
  let base: string;
  let alice: string;
  let bob: string;
  const clients: TermClient[] = [];
  const client = (cookie: string | undefined, options?: ConstructorParameters<typeof TermClient>[2]) => {
    const c = new TermClient(base, cookie, options);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    lab = await createLabServer(integrationConfig(), { serveSite: false, logger: createLogger('silent', false) });
    base = await lab.listen();
    [alice, bob] = await Promise.all([startSession(base), startSession(base)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const cookie of [alice, bob]) if (cookie) await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } });
    await lab?.close();
  });

  it('gives a learner a root shell in their own workspace, sized from the hello', async () => {
    const term = client(alice);
    await term.hello('1', null, 120, 40);
    expect(term.ready?.mode).toBe('snapshot');
    expect(await term.run('echo hello-$((6*7))')).toContain('hello-42');
    expect(await term.run('id -u; stty size')).toMatch(/0\r\n40 120/);
  });

  it('follows resizes: after a burst, stty size equals the last size sent', async () => {
    const term = client(alice);
    await term.hello('2', null, 80, 24);
    for (let i = 0; i < 30; i++) term.resize(40 + i * 3, 10 + i);
    term.resize(133, 37);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await term.run('stty size')).toContain('37 133');
  });

  it('after a blip, replays exactly the missed output to the same shell', async () => {
    const first = client(alice);
    await first.hello('3', null);
    const pid = (await first.run('echo pid=$$')).match(/pid=(\d+)/)?.[1];
    expect(pid).toBeDefined();
    first.type('sleep 0.5; seq 1 20000 | tail -n 3; echo END-OF-SEQ\r');
    const seenBytes = first.seq;
    await first.close();

    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = client(alice);
    await second.hello('3', seenBytes);
    expect(second.ready?.mode).toBe('replay');
    await second.until(() => second.output.includes('END-OF-SEQ\r\n'), 10_000, 'replayed output');
    expect(second.output.match(/^19999\r?$/gm)).toHaveLength(1);
    expect(await second.run('echo pid=$$')).toContain(`pid=${pid}`);
  });

  it('after a reload (no client state), sends the screen as a snapshot', async () => {
    const first = client(alice);
    await first.hello('4', null);
    await first.run('echo SNAPSHOT-MARKER-$((1+1))');
    await first.close();
    const second = client(alice);
    await second.hello('4', null);
    expect(second.ready?.mode).toBe('snapshot');
    expect(second.snapshot).toContain('SNAPSHOT-MARKER-2');
  });

  it('a second socket on the same pane takes over and the first is told why', async () => {
    const first = client(alice);
    await first.hello('1', null);
    const second = client(alice);
    await second.hello('1', null);
    await first.until(() => first.closed !== undefined, 5_000, 'superseded close');
    expect(first.closed?.code).toBe(Close.superseded);
    expect(await second.run('echo still-here')).toContain('still-here');
  });

  it('keeps learners apart: the same pane id reaches each learner’s own workspace', async () => {
    const a = client(alice);
    await a.hello('1', null);
    await a.run('echo alice-secret > /root/secret.txt');
    const b = client(bob);
    await b.hello('1', null);
    const seen = await b.run('cat /root/secret.txt 2>&1; cat /etc/hostname');
    expect(seen).toContain('No such file');
    expect(seen).not.toContain('alice-secret');
  });

  it('refuses a missing or forged cookie, a foreign origin and a wrong subprotocol', async () => {
    const cases: Array<[TermClient, number]> = [
      [client(undefined), Close.unauthorized],
      [client(`lab_session=${'A'.repeat(43)}`), Close.notFound],
      [client(alice, { origin: 'https://evil.example' }), Close.originRefused],
    ];
    for (const [term] of cases) await term.open().catch(() => undefined);
    for (const [term, code] of cases) {
      term.ws.send(JSON.stringify({ t: 'hello', v: 1, paneId: '1', lastSeq: null, cols: 80, rows: 24 }));
      await term.until(() => term.closed !== undefined, 5_000, 'refusal');
      expect(term.closed?.code).toBe(code);
      expect(term.ready).toBeUndefined();
    }
    // A client that does not speak lab.term.v1 never gets a terminal (the handshake fails).
    const stranger = client(alice, { protocol: 'other' });
    await stranger.until(() => stranger.closed !== undefined, 5_000, 'handshake failure');
    expect(stranger.ready).toBeUndefined();
  });

  it('closes only the offending socket on malformed frames, and the learner carries on', async () => {
    const good = client(alice);
    await good.hello('2', null);
    const badFrames: Array<[string, (t: TermClient) => void, number]> = [
      ['unknown opcode', (t) => t.ws.send(Buffer.of(0x7f, 1, 2)), Close.badFrame],
      ['short resize', (t) => t.ws.send(Buffer.of(0x01, 0)), Close.badFrame],
      ['text after hello', (t) => t.ws.send('{"t":"hello"}'), Close.badFrame],
      ['oversized input', (t) => t.ws.send(Buffer.alloc(MAX_INPUT_BYTES + 2)), Close.tooBig],
    ];
    for (const [, send, code] of badFrames) {
      const bad = client(alice);
      await bad.hello('3', null);
      send(bad);
      await bad.until(() => bad.closed !== undefined, 5_000, 'close');
      expect(bad.closed?.code).toBe(code);
    }
    const malformedHello = client(alice);
    await malformedHello.open();
    malformedHello.ws.send('{"t":"hello","v":1,"paneId":"../../x","lastSeq":null,"cols":1,"rows":1}');
    await malformedHello.until(() => malformedHello.closed !== undefined, 5_000, 'close');
    expect(malformedHello.closed?.code).toBe(Close.badFrame);
    expect(await good.run('echo unaffected')).toContain('unaffected');
  });

  it('bounds a flood: without acks the server stops reading, and Ctrl-C still stops it', async () => {
    const term = client(bob);
    await term.hello('2', null);
    term.autoAck = false;
    term.type('yes\r');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const received = term.bytes;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Paused at the high watermark: nothing (or next to nothing) more arrives without acks.
    expect(term.bytes - received).toBeLessThan(128 * 1024);
    expect(received).toBeLessThan(2 * 1024 * 1024);
    term.type('\x03');
    term.autoAck = true;
    term.ws.send(Buffer.of(0x02, 0x7f, 0xff, 0xff, 0xff)); // ack everything
    expect(await term.run('echo after-flood', 15_000)).toContain('after-flood');
  });

  it('ends the workspace on DELETE: the shell closes and a new terminal is refused', async () => {
    const cookie = await startSession(base);
    const term = client(cookie);
    await term.hello('1', null);
    const res = await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } });
    expect((await res.json()) as unknown).toMatchObject({ state: 'ended' });
    await term.until(() => term.closed !== undefined, 10_000, 'close after end');
    const again = client(cookie);
    await again.open();
    again.ws.send(JSON.stringify({ t: 'hello', v: 1, paneId: '1', lastSeq: null, cols: 80, rows: 24 }));
    await again.until(() => again.closed !== undefined, 5_000, 'refusal');
    expect(again.closed?.code).toBe(Close.notFound);
  });
});
