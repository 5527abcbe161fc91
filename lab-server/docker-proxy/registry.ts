import type { Engine } from './engine';
import { pathPart } from './engine';
import { ProxyError } from './errors';
import { LABEL } from '../runtime/labels';
import type { ImageRef } from './image-refs';

/** What learners call the lab's registry (Docker's own tutorials use it). */
export const LAB_REGISTRY = 'localhost:5000';
const REGISTRY_IMAGE = 'registry:2';

export function isLabRegistry(domain: string): boolean {
  return domain === LAB_REGISTRY || domain === '127.0.0.1:5000';
}

/**
 * The lab's registry: one Distribution registry container per lab server, started on first use,
 * published on 127.0.0.1 only (the engine treats loopback registries as insecure-allowed). Each
 * learner's repositories live under their own namespace in it.
 */
export class LabRegistry {
  private address: Promise<string> | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly instance: string,
  ) {}

  get containerName(): string {
    return `lab-${this.instance}-registry`;
  }

  /** host:port of the registry as the engine reaches it. */
  ensure(): Promise<string> {
    this.address ??= this.start().catch((error: unknown) => {
      this.address = undefined;
      throw error;
    });
    return this.address;
  }

  /** host:port of the registry if this server has started (or found) it already; never starts it. */
  started(): Promise<string | undefined> {
    return this.address?.catch(() => undefined) ?? Promise.resolve(undefined);
  }

  /** The engine's name for a learner's repository in the lab registry. */
  async engineRepo(ns: string, ref: ImageRef): Promise<string> {
    return `${await this.ensure()}/${ns}/${ref.path}`;
  }

  private async start(): Promise<string> {
    const name = this.containerName;
    const inspect = await this.engine.json<{ State: { Running: boolean }; NetworkSettings: { Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> } }>('GET', `/containers/${pathPart(name)}/json`).catch((error: unknown) => {
      if (error instanceof ProxyError && error.status === 404) return undefined;
      throw error;
    });
    if (!inspect) {
      await this.engine.json('GET', `/images/${REGISTRY_IMAGE}/json`).catch(() => {
        throw new ProxyError(503, 'lab policy: the lab registry image is not available on this server (the operator can run npm run images)');
      });
      await this.engine.json('POST', `/containers/create?name=${pathPart(name)}`, {
        Image: REGISTRY_IMAGE,
        Labels: { [LABEL.managed]: '1', [LABEL.instance]: this.instance, [LABEL.role]: 'registry' },
        ExposedPorts: { '5000/tcp': {} },
        HostConfig: {
          PortBindings: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
          Mounts: [{ Type: 'volume', Source: `${name}-data`, Target: '/var/lib/registry' }],
          Memory: 256 * 1024 * 1024,
          MemorySwap: 256 * 1024 * 1024,
          PidsLimit: 128,
          CapDrop: ['ALL'],
          CapAdd: ['CHOWN', 'SETGID', 'SETUID', 'DAC_OVERRIDE', 'FOWNER'],
          SecurityOpt: ['no-new-privileges:true'],
          RestartPolicy: { Name: 'unless-stopped' },
          LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
        },
      });
    }
    if (!inspect?.State.Running) {
      const started = await this.engine.request('POST', `/containers/${pathPart(name)}/start`);
      started.stream.resume();
    }
    const address = await this.publishedAddress();
    if (await this.answers(address, 30)) return address;
    // Running but unreachable: a registry left from an earlier run can lose its network (its bridge
    // went away under it). A restart reattaches it; the published port may change.
    (await this.engine.request('POST', `/containers/${pathPart(name)}/restart?t=1`)).stream.resume();
    const again = await this.publishedAddress();
    if (await this.answers(again, 50)) return again;
    throw new ProxyError(503, 'the lab registry did not become ready');
  }

  private async publishedAddress(): Promise<string> {
    const inspect = await this.engine.json<{ NetworkSettings: { Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> } }>('GET', `/containers/${pathPart(this.containerName)}/json`);
    const binding = inspect?.NetworkSettings.Ports['5000/tcp']?.find((b) => b.HostIp === '127.0.0.1');
    if (!binding) throw new ProxyError(503, 'the lab registry did not start');
    return `127.0.0.1:${binding.HostPort}`;
  }

  /** Whether `/v2/` answers within `attempts` tries 100 ms apart (each bounded: a port whose container is unreachable accepts and then hangs). */
  private async answers(address: string, attempts: number): Promise<boolean> {
    for (let i = 0; i < attempts; i++) {
      if (await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  /** Removes the registry container; with `data`, its stored images too (tests, uninstall). */
  async remove(options: { data?: boolean } = {}): Promise<void> {
    this.address = undefined;
    (await this.engine.request('DELETE', `/containers/${pathPart(this.containerName)}?force=1`)).stream.resume();
    if (options.data) (await this.engine.request('DELETE', `/volumes/${pathPart(`${this.containerName}-data`)}`)).stream.resume();
  }
}
