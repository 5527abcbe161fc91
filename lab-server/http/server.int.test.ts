import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrationConfig } from '../testing/integration-setup';
import { createLabServer, type LabServer } from './server';
import type { HealthReport } from './health';
import { createLogger } from '../log';

describe('lab server (API only, real engine)', () => {
  let lab: LabServer;
  let base: string;

  beforeAll(async () => {
    lab = await createLabServer(integrationConfig(), { serveSite: false, logger: createLogger('silent', false) });
    base = await lab.listen();
  });
  afterAll(async () => lab?.close());

  it('reports the engine, the image catalog and capacity on /api/lab/health', async () => {
    const res = await fetch(`${base}/api/lab/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const health = (await res.json()) as HealthReport;
    expect(health.status).toBe('ok');
    expect(health.engine.reachable).toBe(true);
    expect(health.engine.version).toMatch(/^\d+\.\d+/);
    expect(health.images.ready).toBe(true);
    expect(health.images.items.map((i) => i.name)).toEqual(expect.arrayContaining(['lab/workspace', 'busybox', 'httpd']));
    expect(health.capacity.max).toBeGreaterThan(0);
    expect(health.capacity.available).toBeLessThanOrEqual(health.capacity.max);
  });

  it('exposes Prometheus metrics with the engine and image gauges', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^lab_engine_up 1$/m);
    expect(text).toMatch(/^lab_images_ready [1-9]/m);
    expect(text).toMatch(/^lab_process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/lab_http_requests_total\{route="\/api\/lab\/health",status="200"\} [1-9]/);
  });

  it('answers unknown lab paths and wrong methods with a JSON error', async () => {
    const missing = await fetch(`${base}/api/lab/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'No lab endpoint at /api/lab/nope' } });
    const wrongMethod = await fetch(`${base}/api/lab/health`, { method: 'POST', body: '{}' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('refuses a WebSocket upgrade on a path it does not serve, without hanging', async () => {
    const url = new URL(base);
    const { connect } = await import('node:net');
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write('GET /api/lab/ws/none HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1.1 404/);
  });

  it('answers malformed HTTP with 400 and keeps serving', async () => {
    const url = new URL(base);
    const { connect } = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    expect((await fetch(`${base}/api/lab/health`)).status).toBe(200);
  });
});
