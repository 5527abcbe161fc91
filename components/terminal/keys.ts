/**
 * Keyboard routing for a terminal pane, decided before xterm sees the key
 * (`attachCustomKeyEventHandler`). Pure, so it is unit-tested.
 *
 *  - Esc then Tab (or Shift+Tab) leaves the terminal: xterm would otherwise send Tab to the
 *    shell forever (a keyboard trap, WCAG 2.1.2). Esc itself still reaches the shell (vim).
 *  - Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (the browser's own paste, which
 *    xterm turns into input, bracketed when the shell asked for it), Ctrl+Shift+F finds.
 */
export type KeyAction = 'terminal' | 'leave' | 'copy' | 'paste' | 'find';

export type KeyLike = Pick<KeyboardEvent, 'type' | 'key' | 'code' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey'>;

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock']);

function chord(event: KeyLike, letter: string): boolean {
  return (
    event.ctrlKey &&
    event.shiftKey &&
    !event.altKey &&
    !event.metaKey &&
    (event.code === `Key${letter}` || event.key.toUpperCase() === letter)
  );
}

export function createKeyRouter(): (event: KeyLike) => KeyAction {
  let escaped = false;
  let leaving = false;
  return (event) => {
    if (event.type !== 'keydown') {
      // The keyup/keypress of a key we routed away must not reach xterm either.
      if (leaving && event.key === 'Tab') {
        if (event.type === 'keyup') leaving = false;
        return 'leave';
      }
      return 'terminal';
    }
    if (MODIFIERS.has(event.key)) return 'terminal';
    if (event.key === 'Tab' && escaped && !event.ctrlKey && !event.altKey && !event.metaKey) {
      escaped = false;
      leaving = true;
      return 'leave';
    }
    escaped = event.key === 'Escape' && !event.ctrlKey && !event.altKey && !event.metaKey && !event.shiftKey;
    if (chord(event, 'C')) return 'copy';
    if (chord(event, 'V')) return 'paste';
    if (chord(event, 'F')) return 'find';
    return 'terminal';
  };
}
