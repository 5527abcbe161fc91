import path from 'node:path';

/**
 * A problem in a content file, reported as `file:line:column: reason` (paths relative to the
 * project root) so it reads like a compiler error in `next build` output and editors link it.
 */
export class ContentError extends Error {
  override name = 'ContentError';
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative.split(path.sep).join('/');
}

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number } | null;
  detail?: unknown;
}

function isEsbuildFailure(error: unknown): error is Error & { errors: EsbuildMessage[] } {
  return error instanceof Error && Array.isArray((error as { errors?: unknown }).errors);
}

/** The human part of an MDX message: @mdx-js/esbuild wraps it as "Cannot process MDX file…: <cause>". */
function reasonOf(message: EsbuildMessage): string {
  const detail = message.detail as { reason?: unknown; cause?: unknown } | undefined;
  const cause = detail?.cause as { reason?: unknown; message?: unknown } | undefined;
  if (typeof cause?.reason === 'string') return cause.reason;
  if (typeof cause?.message === 'string') return cause.message;
  if (typeof detail?.reason === 'string') return detail.reason;
  return message.text;
}

/** Turns whatever bundleMDX threw into a ContentError pointing at the file (and line, when known). */
export function toContentError(error: unknown, file: string, cwd: string): ContentError {
  if (error instanceof ContentError) return error;
  if (isEsbuildFailure(error) && error.errors.length > 0) {
    const lines = error.errors.map((message) => {
      const location = message.location;
      const where = location?.file ? path.resolve(cwd, location.file) : file;
      const position = location && location.line > 0 ? `:${location.line}:${location.column + 1}` : '';
      return { text: `${displayPath(where)}${position}: ${reasonOf(message)}`, location };
    });
    const first = lines[0]!;
    return new ContentError(
      lines.map((line) => line.text).join('\n'),
      file,
      first.location?.line,
      first.location ? first.location.column + 1 : undefined,
      { cause: error },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ContentError(`${displayPath(file)}: ${reason}`, file, undefined, undefined, { cause: error });
}
