import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per lab server, so tests that start several servers in one process do not collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lab_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'lab_http_requests_total',
      help: 'HTTP requests answered by the lab server itself (not the pages Next serves).',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'lab_http_request_duration_seconds',
      help: 'Time to answer a lab API request.',
      labelNames: ['route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    engineUp: new Gauge({ name: 'lab_engine_up', help: '1 when the Docker engine answered the last health probe.', registers: [registry] }),
    imagesReady: new Gauge({ name: 'lab_images_ready', help: 'Catalog images present at their current recipe hash.', registers: [registry] }),
    imagesTotal: new Gauge({ name: 'lab_images_total', help: 'Images in the catalog.', registers: [registry] }),
    workspacesRunning: new Gauge({ name: 'lab_workspaces_running', help: 'Learner workspaces running on the engine.', registers: [registry] }),
    checks: new Counter({
      name: 'lab_checks_total',
      help: 'Step checks run in learners’ workspaces, by result (passed, failed, timeout).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    workspacesCapacity: new Gauge({ name: 'lab_workspaces_capacity', help: 'Configured maximum of workspaces.', registers: [registry] }),
  };
}

export type LabMetrics = ReturnType<typeof createMetrics>;
