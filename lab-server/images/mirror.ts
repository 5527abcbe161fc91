import fs from 'node:fs';
import path from 'node:path';

export interface DebianMirrors {
  /** Archive for bookworm and bookworm-updates, e.g. http://deb.debian.org/debian */
  mirror: string;
  /** Archive for bookworm-security, e.g. http://deb.debian.org/debian-security */
  security: string;
}

export const DEFAULT_MIRRORS: DebianMirrors = {
  mirror: 'http://deb.debian.org/debian',
  security: 'http://deb.debian.org/debian-security',
};

interface SourceEntry {
  uri: string;
  suites: string[];
}

/** Parses deb822 (.sources) and one-line (.list) apt source files into URI + suites of "deb" entries. */
export function parseAptSources(text: string, format: 'deb822' | 'list'): SourceEntry[] {
  const entries: SourceEntry[] = [];
  if (format === 'list') {
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (match) entries.push({ uri: match[1]!, suites: [match[2]!] });
    }
    return entries;
  }
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let current: string | undefined;
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      if (/^\s/.test(raw) && current) {
        fields.set(current, `${fields.get(current) ?? ''} ${raw.trim()}`);
        continue;
      }
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (match) {
        current = match[1]!.toLowerCase();
        fields.set(current, match[2]!.trim());
      }
    }
    const types = (fields.get('types') ?? '').split(/\s+/);
    if (!types.includes('deb') || /^(no|false)$/i.test(fields.get('enabled') ?? 'yes')) continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) entries.push({ uri, suites });
  }
  return entries;
}

/** Picks the bookworm and bookworm-security archives out of a host's sources, falling back to deb.debian.org. */
export function pickMirrors(entries: readonly SourceEntry[]): DebianMirrors {
  const usable = entries.filter((e) => /^https?:\/\//.test(e.uri));
  const trim = (uri: string) => uri.replace(/\/+$/, '');
  const main = usable.find((e) => e.suites.includes('bookworm'));
  const security = usable.find((e) => e.suites.includes('bookworm-security') || e.suites.includes('bookworm/updates'));
  return {
    mirror: main ? trim(main.uri) : DEFAULT_MIRRORS.mirror,
    security: security ? trim(security.uri) : DEFAULT_MIRRORS.security,
  };
}

/** The Debian archives this host uses (so an operator's local mirror is used for the lab too). */
export function hostDebianMirrors(aptDir = '/etc/apt'): DebianMirrors {
  const entries: SourceEntry[] = [];
  const read = (file: string, format: 'deb822' | 'list') => {
    try {
      entries.push(...parseAptSources(fs.readFileSync(file, 'utf8'), format));
    } catch {
      // missing or unreadable: ignore
    }
  };
  read(path.join(aptDir, 'sources.list'), 'list');
  let names: string[] = [];
  try {
    names = fs.readdirSync(path.join(aptDir, 'sources.list.d')).sort();
  } catch {
    names = [];
  }
  for (const name of names) {
    if (name.endsWith('.sources')) read(path.join(aptDir, 'sources.list.d', name), 'deb822');
    else if (name.endsWith('.list')) read(path.join(aptDir, 'sources.list.d', name), 'list');
  }
  return pickMirrors(entries);
}
