/** The join form's rules, apart from React so they are unit-tested. */

/** The code as typed: letters upper-cased, spaces and dashes dropped (people copy "ABC-DEF"). */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, '').slice(0, 6);
}

/** The contract's alphabet (protocol/workshop.ts JOIN_CODE_ALPHABET): no 0/O, 1/I/L. */
export const CODE_PATTERN = /^[A-HJ-NP-Z2-9]{6}$/;

/** Why a join failed, in one short line before the server's own words. */
const JOIN_FAILURE: Record<number, string> = {
  400: 'Check the form.',
  403: 'You cannot rejoin this workshop.',
  404: 'Wrong code.',
  409: 'This workshop is full.',
  410: 'This workshop has ended.',
};

/** What the join page says when the server refused: a short lead for the status, then the server's reason. */
export function joinFailureMessage(status: number, serverMessage: string): string {
  const lead = JOIN_FAILURE[status];
  return lead && lead !== serverMessage ? `${lead} ${serverMessage}` : serverMessage;
}
