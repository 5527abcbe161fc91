/**
 * The code-fence languages the guide may use. Anything else is a content error, so a
 * typo (```bahs) fails the build instead of silently rendering unhighlighted text.
 *
 * Keys are what authors write; values are the canonical name we render (`data-language`)
 * and ask Shiki to highlight. Shiki itself knows `bash` as an alias of `shellscript` and
 * `dockerfile` as an alias of `docker`; we keep the names readers know.
 */
export const FENCE_LANGUAGES = {
  bash: 'bash',
  sh: 'bash',
  shell: 'bash',
  shellsession: 'shellsession',
  console: 'shellsession',
  dockerfile: 'dockerfile',
  docker: 'dockerfile',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  ini: 'ini',
  text: 'text',
  txt: 'text',
  plaintext: 'text',
} as const satisfies Record<string, string>;

export type FenceLanguage = (typeof FENCE_LANGUAGES)[keyof typeof FENCE_LANGUAGES];

/** Languages loaded into the Shiki singleton (`text` is built into Shiki). */
export const SHIKI_LANGUAGES = ['bash', 'shellsession', 'dockerfile', 'yaml', 'json', 'ini'] as const;

/** Languages whose lines are shell commands: Run buttons and the `$ ` prompt apply. */
export const SHELL_LANGUAGES: ReadonlySet<FenceLanguage> = new Set<FenceLanguage>(['bash']);

export function canonicalLanguage(lang: string): FenceLanguage | undefined {
  return Object.hasOwn(FENCE_LANGUAGES, lang) ? FENCE_LANGUAGES[lang as keyof typeof FENCE_LANGUAGES] : undefined;
}
