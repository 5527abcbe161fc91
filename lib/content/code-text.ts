/**
 * Text helpers for code blocks, shared by the build (Run/Copy payloads, prompt marks) and tests.
 */

/**
 * What the Copy button puts on the clipboard.
 *
 * Runnable blocks are written without prompts, so their text is copied as is. A block that
 * mixes commands and output (`console`, or a pasted terminal session) marks commands with a
 * leading `$ `: then only those lines (and their `\` continuation lines) are copied, without
 * the prompt, exactly as Docker's docs do.
 */
export function stripPrompts(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  if (!lines.some((line) => line.startsWith('$ ') || line === '$')) return lines.join('\n');

  const kept: string[] = [];
  let continuing = false;
  for (const line of lines) {
    if (line.startsWith('$ ') || line === '$') {
      const command = line.slice(2);
      kept.push(command);
      continuing = command.endsWith('\\');
    } else if (continuing) {
      kept.push(line);
      continuing = line.endsWith('\\');
    }
  }
  return kept.join('\n');
}

/**
 * For each line of a shell script, whether it starts a command (and so gets a `$ ` prompt
 * drawn by CSS). Continuation lines after a trailing `\`, heredoc bodies, comments and blank
 * lines do not.
 */
export function commandLineStarts(text: string): boolean[] {
  const lines = text.replace(/\n$/, '').split('\n');
  const starts: boolean[] = [];
  let continuing = false;
  let heredocEnd: string | undefined;
  for (const line of lines) {
    if (heredocEnd !== undefined) {
      starts.push(false);
      if (line.replace(/^\t+/, '') === heredocEnd) heredocEnd = undefined;
      continue;
    }
    const trimmed = line.trim();
    starts.push(!continuing && trimmed !== '' && !trimmed.startsWith('#'));
    continuing = line.endsWith('\\');
    const heredoc = /<<-?\s*(['"]?)([A-Za-z_]\w*)\1/.exec(line);
    if (heredoc?.[2]) heredocEnd = heredoc[2];
  }
  return starts;
}
