import { randomBytes, randomInt } from 'node:crypto';
import { JOIN_CODE_ALPHABET } from '../protocol/workshop';

/** A join code: 6 characters, ~30 bits, from an alphabet that survives being read off a projector. */
export function newJoinCode(): string {
  let code = '';
  for (let index = 0; index < 6; index++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

export const newWorkshopId = () => randomBytes(8).toString('hex');
export const newSeatId = () => randomBytes(6).toString('hex');
