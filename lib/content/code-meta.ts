/**
 * Options authors put in a code fence's meta string (CONTENT.md, "Authoring conventions"):
 *
 *   ```bash run              Run button: types the command into terminal 1
 *   ```bash run term=2       …into terminal 2
 *   ```bash run interrupt    …sending Ctrl-C first (to stop a `logs -f` that is running there)
 *   ```bash copy             copy only, never run (the default for non-output blocks anyway)
 *   ```text output           expected output: no Run, no Copy, not indexed by search
 *
 * Anything rehype-pretty-code understands (`title="…"`, `{1,3}`, `/word/`, `showLineNumbers`)
 * is passed through untouched in `rest`.
 */
export interface CodeMeta {
  run: boolean;
  /** Terminal pane, 1-based. Always 1 unless `term=N` was given. */
  term: number;
  interrupt: boolean;
  /** Whether the block gets a Copy button. */
  copy: boolean;
  output: boolean;
  /** The meta string without our options, for rehype-pretty-code. */
  rest: string;
}

export class CodeMetaError extends Error {
  override name = 'CodeMetaError';
}

const OUR_OPTION = /(^|\s)(run|copy|output|interrupt|term=\S*)(?=\s|$)/g;
/** Bare words rehype-pretty-code accepts; any other bare word is probably a typo of ours. */
const PRETTY_CODE_WORDS = new Set(['showLineNumbers']);
export const MAX_TERMINALS = 4;

export function parseCodeMeta(meta: string | null | undefined): CodeMeta {
  const source = meta ?? '';
  const flags = new Set<string>();
  let term: number | undefined;

  const rest = source
    .replace(OUR_OPTION, (_match, lead: string, option: string) => {
      if (option.startsWith('term=')) {
        const value = option.slice('term='.length);
        if (!/^[1-9]\d*$/.test(value) || Number(value) > MAX_TERMINALS) {
          throw new CodeMetaError(`"${option}" must name a terminal from 1 to ${MAX_TERMINALS}, e.g. term=2`);
        }
        term = Number(value);
      } else {
        if (flags.has(option)) throw new CodeMetaError(`"${option}" is given twice`);
        flags.add(option);
      }
      return lead;
    })
    .replace(/\s+/g, ' ')
    .trim();

  // Unknown bare words (outside quotes, ranges and /…/ highlights) are almost always typos: "rnu", "ouput".
  const bare = rest
    .replace(/"[^"]*"|'[^']*'|\{[^}]*\}|\/[^/]*\/\S*/g, ' ')
    .split(/\s+/)
    .filter((word) => /^[a-z][\w-]*$/i.test(word) && !PRETTY_CODE_WORDS.has(word));
  if (bare.length > 0) {
    throw new CodeMetaError(
      `unknown code fence option "${bare[0]}" (use run, run term=N, run interrupt, copy or output)`,
    );
  }

  const run = flags.has('run');
  const output = flags.has('output');
  const interrupt = flags.has('interrupt');
  if (output && (run || flags.has('copy'))) {
    throw new CodeMetaError('"output" blocks cannot also be "run" or "copy"');
  }
  if (!run && (interrupt || term !== undefined)) {
    throw new CodeMetaError(`"${interrupt ? 'interrupt' : `term=${term}`}" only makes sense with "run"`);
  }
  if (run && flags.has('copy')) {
    throw new CodeMetaError('"run" blocks already have a Copy button; drop "copy"');
  }

  return { run, term: term ?? 1, interrupt, copy: !output, output, rest };
}
