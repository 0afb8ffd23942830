// Big-endian integers read and written straight in a byte array. On the datapath a DataView per
// decode or encode (result.ts view()) is an object per header, several per packet: measured at
// 2-3 % of a busy node's CPU at 1,400-byte packets. These are plain indexed reads.
export const getU16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;

export const getU32 = (b: Uint8Array, at: number): number =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

export const setU16 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
};

export const setU32 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
};
