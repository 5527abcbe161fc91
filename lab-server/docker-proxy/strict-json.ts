import { badRequest, policy } from './errors';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * Parses a request body the way the engine will read it, and refuses what the two could read
 * differently: Go's decoder matches keys case-insensitively and lets the last duplicate win, so
 * `{"HostConfig":{…},"hostconfig":{"Privileged":true}}` must never get past a check of the first.
 */
export function parseStrictJson(text: string, maxBytes = 1 << 20): Json {
  if (Buffer.byteLength(text) > maxBytes) throw badRequest(`request body larger than ${maxBytes} bytes`);
  if (text.trim() === '') return {};
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    throw badRequest('request body is not valid JSON');
  }
  assertNoDuplicateKeys(text);
  return value;
}

/** Walks the raw text once, keeping the set of (lower-cased) keys of each open object. */
function assertNoDuplicateKeys(text: string): void {
  const stack: Array<Set<string> | null> = [];
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (expectKey && top) {
        const key = (JSON.parse(text.slice(i, j + 1)) as string).toLowerCase();
        if (top.has(key)) throw policy(`JSON key "${key}" appears twice (keys are matched without regard to case)`);
        top.add(key);
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (ch === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === '[') stack.push(null);
    else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === ',') expectKey = stack.at(-1) instanceof Set;
    i++;
  }
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Re-keys an object against a list of canonical field names (case-insensitive, as the engine
 * reads them). Unknown keys are returned separately so the caller can refuse them unless empty.
 */
export function canonicalize(object: JsonObject, known: readonly string[]): { fields: Map<string, Json>; unknown: Map<string, Json> } {
  const byLower = new Map(known.map((name) => [name.toLowerCase(), name]));
  const fields = new Map<string, Json>();
  const unknown = new Map<string, Json>();
  for (const [key, value] of Object.entries(object)) {
    const canonical = byLower.get(key.toLowerCase());
    if (canonical) fields.set(canonical, value);
    else unknown.set(key, value);
  }
  return { fields, unknown };
}

/** Zero values in Go's sense: what an omitted field would have decoded to. */
export function isZero(value: Json | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.values(value).every(isZero);
  return false;
}
