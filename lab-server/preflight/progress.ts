/**
 * Progress lines for the preflight: one line when a step starts, one when it ends,
 * and occasional detail lines in between. Written to stderr so stdout stays clean for
 * whatever the caller prints.
 */
export class PreflightError extends Error {
  override name = 'PreflightError';
  /** @param fix the one thing the user should do, e.g. a command to run. */
  constructor(message: string, readonly fix?: string) {
    super(message);
  }
}

export type Detail = (message: string) => void;

export interface ProgressSink {
  write(line: string): void;
}

const stderrSink: ProgressSink = { write: (line) => process.stderr.write(`${line}\n`) };

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

export async function step<T>(title: string, run: (detail: Detail) => Promise<T>, sink: ProgressSink = stderrSink): Promise<T> {
  const started = performance.now();
  sink.write(`• ${title}…`);
  try {
    const result = await run((message) => sink.write(`    ${message}`));
    sink.write(`✓ ${title} (${seconds(started)})`);
    return result;
  } catch (error) {
    sink.write(`✗ ${title} (${seconds(started)})`);
    throw error;
  }
}

/** One readable line (plus the fix) for an error that stops start-up; never a stack trace for expected failures. */
export function describeFailure(error: unknown): string {
  if (error instanceof PreflightError) return error.fix ? `${error.message}\n  → ${error.fix}` : error.message;
  if (error instanceof Error && error.name === 'ConfigError') return error.message;
  if (error instanceof Error) return `${error.message}\n${error.stack ?? ''}`;
  return String(error);
}
