/**
 * The terminal wire protocol, shared by the lab server and the browser. One WebSocket per pane.
 *
 * Hot path: binary frames, byte 0 is the opcode, multi-byte integers big-endian, payloads raw
 * bytes (never JSON or base64). Rare control messages are JSON text frames, parsed with zod.
 * This file must stay free of Node-only imports: the browser bundles it.
 */
import { z } from 'zod';

export const PROTOCOL = 'lab.term.v1';

export const Op = {
  /** C→S raw input bytes (≤ MAX_INPUT_BYTES). */
  input: 0x00,
  /** C→S u16 cols, u16 rows. */
  resize: 0x01,
  /** C→S u32 bytes the terminal has parsed since the last ack. */
  ack: 0x02,
  /** C→S f64 client timestamp. */
  ping: 0x03,
  /** S→C raw output bytes. */
  output: 0x10,
  /** S→C f64 seq at snapshot, u16 cols, u16 rows, UTF-8 serialized screen. */
  snapshot: 0x11,
  /** S→C f64 client timestamp echoed, f64 server timestamp. */
  pong: 0x13,
} as const;

export const MAX_INPUT_BYTES = 64 * 1024;
export const COLS = { min: 2, max: 500 } as const;
export const ROWS = { min: 1, max: 200 } as const;

/** WebSocket close codes the client acts on. */
export const Close = {
  normal: 1000,
  policy: 1008,
  tooBig: 1009,
  tryAgain: 1013,
  superseded: 4000,
  unauthorized: 4001,
  notFound: 4004,
  badFrame: 4400,
  originRefused: 4403,
  ended: 4410,
  tooMany: 4429,
  engineDown: 4503,
} as const;

export const clamp = (value: number, range: { min: number; max: number }) => Math.min(range.max, Math.max(range.min, Math.round(value)));

export const helloSchema = z.object({
  t: z.literal('hello'),
  v: z.literal(1),
  paneId: z.string().regex(/^[a-z0-9-]{1,40}$/),
  /** Bytes of output the client already shows (a blip), or null after a reload. */
  lastSeq: z.number().int().nonnegative().nullable(),
  cols: z.number().int(),
  rows: z.number().int(),
  viewer: z.boolean().optional(),
});
export type Hello = z.infer<typeof helloSchema>;

export const serverMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready'), paneId: z.string(), seq: z.number(), cols: z.number(), rows: z.number(), mode: z.enum(['new', 'live', 'replay', 'snapshot']) }),
  z.object({ t: z.literal('exit'), code: z.number().nullable() }),
  z.object({ t: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ t: z.literal('resized'), cols: z.number(), rows: z.number() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export type ClientFrame =
  | { op: typeof Op.input; data: Uint8Array }
  | { op: typeof Op.resize; cols: number; rows: number }
  | { op: typeof Op.ack; bytes: number }
  | { op: typeof Op.ping; ts: number };

export class FrameError extends Error {
  override name = 'FrameError';
}

/** Parses one binary client frame; throws FrameError on anything malformed. Resize values are clamped. */
export function decodeClientFrame(frame: Uint8Array): ClientFrame {
  if (frame.byteLength === 0) throw new FrameError('empty frame');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const op = frame[0];
  switch (op) {
    case Op.input:
      if (frame.byteLength - 1 > MAX_INPUT_BYTES) throw new FrameError(`input frame over ${MAX_INPUT_BYTES} bytes`);
      return { op, data: frame.subarray(1) };
    case Op.resize:
      if (frame.byteLength !== 5) throw new FrameError('resize frame must be 5 bytes');
      return { op, cols: clamp(view.getUint16(1), COLS), rows: clamp(view.getUint16(3), ROWS) };
    case Op.ack:
      if (frame.byteLength !== 5) throw new FrameError('ack frame must be 5 bytes');
      return { op, bytes: view.getUint32(1) };
    case Op.ping:
      if (frame.byteLength !== 9) throw new FrameError('ping frame must be 9 bytes');
      return { op, ts: view.getFloat64(1) };
    default:
      throw new FrameError(`unknown opcode ${op}`);
  }
}

export function encodeInput(data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(data.byteLength + 1);
  frame[0] = Op.input;
  frame.set(data, 1);
  return frame;
}

export function encodeResize(cols: number, rows: number): Uint8Array {
  const frame = new Uint8Array(5);
  const view = new DataView(frame.buffer);
  view.setUint8(0, Op.resize);
  view.setUint16(1, cols);
  view.setUint16(3, rows);
  return frame;
}

export function encodeAck(bytes: number): Uint8Array {
  const frame = new Uint8Array(5);
  const view = new DataView(frame.buffer);
  view.setUint8(0, Op.ack);
  view.setUint32(1, bytes);
  return frame;
}

export function encodePing(ts: number): Uint8Array {
  const frame = new Uint8Array(9);
  const view = new DataView(frame.buffer);
  view.setUint8(0, Op.ping);
  view.setFloat64(1, ts);
  return frame;
}

export function encodeOutputHeader(): Uint8Array {
  return Uint8Array.of(Op.output);
}

export function encodeSnapshot(seq: number, cols: number, rows: number, screen: string): Uint8Array {
  const text = new TextEncoder().encode(screen);
  const frame = new Uint8Array(13 + text.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint8(0, Op.snapshot);
  view.setFloat64(1, seq);
  view.setUint16(9, cols);
  view.setUint16(11, rows);
  frame.set(text, 13);
  return frame;
}

export function encodePong(clientTs: number, serverTs: number): Uint8Array {
  const frame = new Uint8Array(17);
  const view = new DataView(frame.buffer);
  view.setUint8(0, Op.pong);
  view.setFloat64(1, clientTs);
  view.setFloat64(9, serverTs);
  return frame;
}

export type ServerFrame =
  | { op: typeof Op.output; data: Uint8Array }
  | { op: typeof Op.snapshot; seq: number; cols: number; rows: number; screen: string }
  | { op: typeof Op.pong; clientTs: number; serverTs: number };

export function decodeServerFrame(frame: Uint8Array): ServerFrame {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const op = frame[0];
  switch (op) {
    case Op.output:
      return { op, data: frame.subarray(1) };
    case Op.snapshot:
      return { op, seq: view.getFloat64(1), cols: view.getUint16(9), rows: view.getUint16(11), screen: new TextDecoder().decode(frame.subarray(13)) };
    case Op.pong:
      return { op, clientTs: view.getFloat64(1), serverTs: view.getFloat64(9) };
    default:
      throw new FrameError(`unknown server opcode ${op}`);
  }
}
