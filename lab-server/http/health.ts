import type Docker from 'dockerode';
import type { LabConfig } from '../config';
import { imageStatus } from '../images';
import type { LabMetrics } from '../metrics/registry';
import { instanceIdFor } from '../runtime/labels';
import { listWorkspaces } from '../runtime/workspaces';

export interface HealthReport {
  status: 'ok' | 'degraded';
  engine: { reachable: boolean; version?: string; apiVersion?: string; error?: string };
  images: { ready: boolean; mode: LabConfig['images']; items: Array<{ name: string; ref: string; ready: boolean }> };
  capacity: { max: number; perIp: number; running: number; available: number };
}

const CACHE_MS = 1_000;

/**
 * Builds the health report. Cached for a second so that a monitoring loop (or an abusive
 * client) hitting /api/lab/health cannot turn into a stream of Engine API calls.
 */
export function createHealthProbe(docker: Docker, config: LabConfig, metrics: LabMetrics) {
  let cached: { at: number; report: Promise<HealthReport> } | undefined;

  async function probe(): Promise<HealthReport> {
    const capacity = { max: config.maxWorkspaces, perIp: config.maxWorkspacesPerIp, running: 0, available: config.maxWorkspaces };
    let engine: HealthReport['engine'];
    try {
      const version = await docker.version();
      engine = { reachable: true, version: version.Version, apiVersion: version.ApiVersion };
    } catch (error) {
      engine = { reachable: false, error: (error as Error).message };
    }
    let items: HealthReport['images']['items'] = [];
    if (engine.reachable) {
      items = await imageStatus(docker, config);
      capacity.running = (await listWorkspaces(docker, instanceIdFor(config.dataDir))).length;
      capacity.available = Math.max(0, capacity.max - capacity.running);
    }
    const imagesReady = items.length > 0 && items.every((item) => item.ready);
    metrics.engineUp.set(engine.reachable ? 1 : 0);
    metrics.imagesReady.set(items.filter((item) => item.ready).length);
    metrics.imagesTotal.set(items.length);
    metrics.workspacesRunning.set(capacity.running);
    metrics.workspacesCapacity.set(capacity.max);
    return {
      status: engine.reachable && imagesReady ? 'ok' : 'degraded',
      engine,
      images: { ready: imagesReady, mode: config.images, items },
      capacity,
    };
  }

  return function health(): Promise<HealthReport> {
    const now = Date.now();
    if (!cached || now - cached.at > CACHE_MS) cached = { at: now, report: probe() };
    return cached.report;
  };
}
