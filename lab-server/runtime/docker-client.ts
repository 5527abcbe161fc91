import Docker from 'dockerode';

export type { default as Docker } from 'dockerode';

/** Builds a dockerode client from a DOCKER_HOST-style endpoint (unix:///path or tcp://host:port). */
export function createDockerClient(dockerHost: string): Docker {
  if (dockerHost.startsWith('unix://')) return new Docker({ socketPath: dockerHost.slice('unix://'.length) });
  if (dockerHost.startsWith('npipe://')) return new Docker({ socketPath: dockerHost.slice('npipe://'.length) });
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' });
}
