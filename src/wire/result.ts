// Decoders never throw on untrusted bytes: they return a value or a drop reason.
export type DropReason =
  | 'malformed' | 'bad-version' | 'unknown-type' | 'bad-mac' | 'bad-signature' | 'bad-key'
  | 'wrong-identity' | 'unknown-peer' | 'unknown-index' | 'bad-tag' | 'replay' | 'stale-init'
  | 'rate-limited' | 'cookie-sent' | 'handshake-race' | 'no-session' | 'too-big' | 'unexpected'
  | 'no-route' | 'bad-slot' | 'hop-limit';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: DropReason };

export const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
export const drop = <T = never>(reason: DropReason): Decoded<T> => ({ ok: false, reason });

export const checkHeader = (b: Uint8Array, type: number, length: number, exact = true): DropReason | null => {
  if (b.length < 2) return 'malformed';
  if (b[0] !== 1) return 'bad-version';
  if (b[1] !== type) return 'unknown-type';
  if (exact ? b.length !== length : b.length < length) return 'malformed';
  return null;
};

export const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
