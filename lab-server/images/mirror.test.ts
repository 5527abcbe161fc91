import { describe, expect, it } from 'vitest';
import { DEFAULT_MIRRORS, parseAptSources, pickMirrors } from './mirror';

describe('Debian mirrors from the host apt sources', () => {
  it('reads deb822 .sources files', () => {
    const text = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://ftp.example.org/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://security.example.org/debian-security
Suites: bookworm-security
Components: main
`;
    const entries = parseAptSources(text, 'deb822');
    expect(entries).toEqual([
      { uri: 'http://ftp.example.org/debian/', suites: ['bookworm', 'bookworm-updates'] },
      { uri: 'http://security.example.org/debian-security', suites: ['bookworm-security'] },
    ]);
    expect(pickMirrors(entries)).toEqual({ mirror: 'http://ftp.example.org/debian', security: 'http://security.example.org/debian-security' });
  });

  it('skips disabled stanzas and deb-src only ones', () => {
    const text = 'Types: deb\nURIs: http://a/debian\nSuites: bookworm\nEnabled: no\n\nTypes: deb-src\nURIs: http://b/debian\nSuites: bookworm\n';
    expect(parseAptSources(text, 'deb822')).toEqual([]);
  });

  it('reads one-line sources.list files, options included', () => {
    const text = '# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.local/debian bookworm main\ndeb-src http://x/debian bookworm main\ndeb http://mirror.local/debian-security bookworm-security main\n';
    expect(pickMirrors(parseAptSources(text, 'list'))).toEqual({ mirror: 'http://mirror.local/debian', security: 'http://mirror.local/debian-security' });
  });

  it('falls back to deb.debian.org for other releases and non-http sources', () => {
    expect(pickMirrors(parseAptSources('deb http://archive.ubuntu.com/ubuntu noble main\ndeb file:/srv/debian bookworm main\n', 'list'))).toEqual(DEFAULT_MIRRORS);
    expect(pickMirrors([])).toEqual(DEFAULT_MIRRORS);
  });
});
