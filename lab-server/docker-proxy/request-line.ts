import { badRequest, policy } from './errors';

/** Engine API versions the proxy speaks: the workspace's CLI negotiates within this range. */
export const MIN_API = [1, 24] as const;
export const MAX_API = [1, 41] as const;

export interface ParsedRequest {
  method: string;
  /** `v1.41` or undefined when the client sent no version prefix. */
  version: string | undefined;
  /** Decoded path segments after the version, e.g. ['containers', 'web', 'json']. */
  segments: string[];
  query: Map<string, string>;
}

/**
 * Decodes a request line once and refuses anything ambiguous, so the proxy and the engine can
 * never disagree about which object a request names (encoded separators, dot segments, empty
 * segments, repeated query parameters).
 */
export function parseRequestLine(method: string, rawUrl: string): ParsedRequest {
  if (!/^[A-Z]{3,7}$/.test(method)) throw badRequest(`unsupported method ${method}`);
  if (!rawUrl.startsWith('/')) throw badRequest('request target must be a path');
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : rawUrl.slice(queryAt + 1);
  if (/%2f|%5c|%00|%2e/i.test(rawPath) || rawPath.includes('\\')) throw policy('encoded separators or dots in the path are not accepted');
  const parts = rawPath.split('/').slice(1);
  if (parts.length > 1 && parts.at(-1) === '') parts.pop(); // a trailing slash
  const segments = parts.map((part) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      throw badRequest('malformed percent-encoding in the path');
    }
    if (decoded === '' || decoded === '.' || decoded === '..') throw policy('empty or dot segments in the path are not accepted');
    return decoded;
  });
  let version: string | undefined;
  const head = segments[0];
  if (head && /^v\d+\.\d+$/.test(head)) {
    const [major, minor] = head.slice(1).split('.').map(Number) as [number, number];
    const tooOld = major < MIN_API[0] || (major === MIN_API[0] && minor < MIN_API[1]);
    const tooNew = major > MAX_API[0] || (major === MAX_API[0] && minor > MAX_API[1]);
    if (tooOld || tooNew) throw badRequest(`client version ${major}.${minor} is not supported by the lab (use ${MIN_API.join('.')}–${MAX_API.join('.')})`);
    version = head;
    segments.shift();
  }
  const query = new Map<string, string>();
  if (rawQuery) {
    for (const pair of rawQuery.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.slice(0, eq);
      const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
      let key: string;
      let value: string;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
        value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
      } catch {
        throw badRequest('malformed percent-encoding in the query');
      }
      // Repeated parameters are where a proxy and Go's url.Values disagree (first vs last wins).
      if (query.has(key)) throw policy(`query parameter ${key} given twice`);
      query.set(key, value);
    }
  }
  return { method, version, segments, query };
}

/** Rebuilds a query string from a map (only what the handler decided to forward). */
export function encodeQuery(query: Map<string, string> | Record<string, string | undefined>): string {
  const entries = query instanceof Map ? [...query.entries()] : Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
  if (entries.length === 0) return '';
  return '?' + entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}
