import type { Call } from './call';
import { build } from './build';
import * as containers from './containers';
import * as images from './images';
import * as networks from './networks';
import * as system from './system';
import * as volumes from './volumes';

type Handler = (call: Call) => Promise<void>;

export interface Route {
  method: string;
  /** Literal segments, `*` for one segment, `**` for one or more (image names contain slashes). */
  pattern: string[];
  handler: Handler;
}

const route = (method: string, path: string, handler: Handler): Route => ({ method, pattern: path.split('/').filter(Boolean), handler });

/**
 * Every endpoint a learner can reach. Anything not listed here is refused: new engine endpoints
 * stay closed until someone decides how they are policed.
 */
export const routes: Route[] = [
  route('GET', '_ping', system.ping),
  route('HEAD', '_ping', system.ping),
  route('GET', 'version', system.version),
  route('GET', 'info', system.info),
  route('GET', 'system/df', system.diskUsage),
  route('GET', 'events', system.events),
  route('POST', 'auth', images.login),

  route('GET', 'containers/json', containers.listContainers),
  route('POST', 'containers/create', containers.createContainer),
  route('POST', 'containers/prune', containers.pruneContainers),
  route('GET', 'containers/*/json', containers.inspectContainer),
  route('POST', 'containers/*/start', containers.containerAction('start', ['detachKeys'])),
  route('POST', 'containers/*/stop', containers.containerAction('stop', ['t', 'signal'])),
  route('POST', 'containers/*/restart', containers.containerAction('restart', ['t', 'signal'])),
  route('POST', 'containers/*/kill', containers.containerAction('kill', ['signal'])),
  route('POST', 'containers/*/pause', containers.containerAction('pause', [])),
  route('POST', 'containers/*/unpause', containers.containerAction('unpause', [])),
  route('POST', 'containers/*/resize', containers.containerAction('resize', ['h', 'w'])),
  route('POST', 'containers/*/wait', containers.containerAction('wait', ['condition'])),
  route('DELETE', 'containers/*', containers.removeContainer),
  route('GET', 'containers/*/logs', containers.containerView('logs', ['follow', 'stdout', 'stderr', 'since', 'until', 'timestamps', 'tail', 'details'])),
  route('GET', 'containers/*/top', containers.containerView('top', ['ps_args'])),
  route('GET', 'containers/*/changes', containers.containerView('changes', [])),
  route('GET', 'containers/*/export', containers.containerView('export', [])),
  route('GET', 'containers/*/stats', containers.containerView('stats', ['stream', 'one-shot'])),
  route('GET', 'containers/*/archive', containers.archive),
  route('HEAD', 'containers/*/archive', containers.archive),
  route('PUT', 'containers/*/archive', containers.archive),
  route('POST', 'containers/*/rename', containers.renameContainer),
  route('POST', 'containers/*/update', containers.updateContainer),
  route('POST', 'containers/*/exec', containers.createExec),
  route('POST', 'commit', containers.commitContainer),
  route('GET', 'exec/*/json', containers.inspectExec),
  route('POST', 'exec/*/resize', containers.resizeExec),
  route('POST', 'exec/*/start', containers.startExecDetached),

  route('GET', 'images/json', images.listImages),
  route('POST', 'images/create', images.createImage),
  route('GET', 'images/search', images.searchImages),
  route('GET', 'images/get', images.saveImages),
  route('POST', 'images/load', images.loadImages),
  route('POST', 'images/prune', images.pruneImages),
  route('POST', 'build', build),
  route('GET', 'images/**/json', images.inspectImage),
  route('GET', 'images/**/history', images.imageHistory),
  route('GET', 'images/**/get', images.saveImages),
  route('POST', 'images/**/tag', images.tagImage),
  route('POST', 'images/**/push', images.pushImage),
  route('DELETE', 'images/**', images.removeImage),

  route('GET', 'networks', networks.listNetworks),
  route('POST', 'networks/create', networks.createNetwork),
  route('POST', 'networks/prune', networks.pruneNetworks),
  route('GET', 'networks/*', networks.inspectNetwork),
  route('DELETE', 'networks/*', networks.removeNetwork),
  route('POST', 'networks/*/connect', networks.connectNetwork('connect')),
  route('POST', 'networks/*/disconnect', networks.connectNetwork('disconnect')),

  route('GET', 'volumes', volumes.listVolumes),
  route('POST', 'volumes/create', volumes.createVolume),
  route('POST', 'volumes/prune', volumes.pruneVolumes),
  route('GET', 'volumes/*', volumes.inspectVolume),
  route('DELETE', 'volumes/*', volumes.removeVolume),
];

/** Captured values of `*` and `**` in order, or undefined when the pattern does not fit. */
export function matchPattern(pattern: string[], segments: string[]): string[] | undefined {
  const wide = pattern.indexOf('**');
  if (wide < 0) {
    if (pattern.length !== segments.length) return undefined;
    const params: string[] = [];
    for (let i = 0; i < pattern.length; i++) {
      if (pattern[i] === '*') params.push(segments[i]!);
      else if (pattern[i] !== segments[i]) return undefined;
    }
    return params;
  }
  const before = pattern.slice(0, wide);
  const after = pattern.slice(wide + 1);
  if (segments.length < before.length + after.length + 1) return undefined;
  const head = matchPattern(before, segments.slice(0, before.length));
  const tail = matchPattern(after, segments.slice(segments.length - after.length));
  if (!head || !tail) return undefined;
  return [...head, segments.slice(before.length, segments.length - after.length).join('/'), ...tail];
}

export function findRoute(method: string, segments: string[]): { route: Route; params: string[] } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const params = matchPattern(candidate.pattern, segments);
    if (params) return { route: candidate, params };
  }
  return undefined;
}
