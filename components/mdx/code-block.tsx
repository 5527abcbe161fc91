import type { ComponentProps } from 'react';
import { stripPrompts } from '@/lib/content/code-text';
import { CopyButton } from './copy-button.client';
import { RunButton } from './run-button';

/** `<pre>` props as emitted by the content pipeline (see lib/content/plugins/code-block-data.ts). */
export type CodeBlockProps = ComponentProps<'pre'> & {
  'data-language'?: string;
  'data-block'?: string;
  'data-raw'?: string;
  'data-run'?: string;
  'data-term'?: string;
  'data-interrupt'?: string;
  'data-copy'?: string;
  'data-output'?: string;
};

const LANGUAGE_LABELS: Record<string, string> = {
  bash: 'Shell',
  shellsession: 'Terminal session',
  dockerfile: 'Dockerfile',
  yaml: 'YAML',
  json: 'JSON',
  ini: 'INI',
  text: 'Text',
};

/**
 * A fenced code block: a bar with the language (or "Output"), the Run button for `run`
 * blocks and the Copy button, above the highlighted `<pre>`. Server-rendered; only the
 * Copy button hydrates.
 */
export function CodeBlock(props: CodeBlockProps) {
  const {
    'data-raw': raw,
    'data-copy': copy,
    'data-output': output,
    'data-run': run,
    'data-term': term = '1',
    'data-interrupt': interrupt,
    children,
    ...pre
  } = props;

  // A literal <pre> written in MDX as JSX, not a fence: render it untouched.
  if (raw === undefined) return <pre {...props} />;

  const isOutput = output !== undefined;
  const isRun = run !== undefined;
  const language = pre['data-language'] ?? 'text';
  const label = isOutput ? 'Output' : (LANGUAGE_LABELS[language] ?? language);
  const terminal = Number(term);

  return (
    <div
      className="code-block"
      data-kind={isOutput ? 'output' : isRun ? 'run' : 'code'}
      data-pagefind-ignore={isOutput ? '' : undefined}
    >
      <div className="code-block-bar">
        <span className="code-block-label">
          {label}
          {isRun && terminal !== 1 ? <span className="code-block-term"> · terminal {terminal}</span> : null}
        </span>
        {isRun || copy !== undefined ? (
          <span className="code-block-actions">
            {isRun ? (
              <RunButton
                command={raw}
                term={terminal}
                interrupt={interrupt !== undefined}
                hintId={`run-hint-${pre['data-block'] ?? '0'}`}
              />
            ) : null}
            {copy !== undefined ? <CopyButton text={stripPrompts(raw)} /> : null}
          </span>
        ) : null}
      </div>
      <pre
        {...pre}
        data-run={run}
        data-term={isRun ? term : undefined}
        data-interrupt={interrupt}
        data-output={output}
      >
        {children}
      </pre>
    </div>
  );
}
