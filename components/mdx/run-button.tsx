export interface RunButtonProps {
  command: string;
  term: number;
  interrupt: boolean;
  /** Unique id for the "start the lab" hint the button is described by. */
  hintId: string;
}

/**
 * The Run button of a `run` block. For now it is markup only: the lab terminal that it will
 * type into arrives with the terminal issue, which will hydrate these buttons from their
 * `data-command` / `data-term` / `data-interrupt` attributes. Until then it is honestly
 * disabled (`aria-disabled`, still focusable so its hint can be read).
 */
export function RunButton({ command, term, interrupt, hintId }: RunButtonProps) {
  const where = `terminal ${term}`;
  return (
    <>
      <button
        type="button"
        className="code-button run-button"
        aria-disabled="true"
        aria-label={`Run in ${where}${interrupt ? ', stopping what runs there first' : ''}`}
        aria-describedby={hintId}
        data-command={command}
        data-term={term}
        data-interrupt={interrupt ? '' : undefined}
      >
        <svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12">
          <path d="M4 2.5v11l9-5.5z" fill="currentColor" />
        </svg>
        Run
      </button>
      <span id={hintId} role="tooltip" className="code-tooltip">
        Start the lab to run this
      </span>
    </>
  );
}
