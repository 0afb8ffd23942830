// Text in an SMS: UTF-8 as is, or packed with the fixed Huffman code (huffman-table.ts) when
// that is shorter. English chat text packs to ~55-60 % of its UTF-8 size; other scripts fall
// back to plain UTF-8 with no cost but the flag bit in the header.
import { HUFFMAN, SYM_END, SYM_ESC, SYM_NEWLINE } from './huffman-table.ts';

export type TextCoding = 'utf8' | 'huffman';

const symbolOf = (b: number): number => (b >= 0x20 && b <= 0x7e ? b - 0x20 : b === 0x0a ? SYM_NEWLINE : -1);

export const huffmanEncode = (utf8: Uint8Array): Uint8Array => {
  const out: number[] = [];
  let acc = 0, bits = 0;
  const put = (code: number, len: number): void => {
    for (let i = len - 1; i >= 0; i--) {
      acc = (acc << 1) | ((code >> i) & 1);
      if (++bits === 8) { out.push(acc); acc = 0; bits = 0; }
    }
  };
  const sym = (s: number): void => put(HUFFMAN.code[s]!, HUFFMAN.len[s]!);
  for (const b of utf8) {
    const s = symbolOf(b);
    if (s >= 0) sym(s);
    else { sym(SYM_ESC); put(b, 8); }
  }
  sym(SYM_END);
  if (bits > 0) out.push(acc << (8 - bits)); // zero padding after END
  return Uint8Array.from(out);
};

/** The UTF-8 bytes, or null if the bit stream is not a valid coded text (no END, stray bits). */
export const huffmanDecode = (bytes: Uint8Array): Uint8Array | null => {
  const out: number[] = [];
  let pos = 0;
  const total = bytes.length * 8;
  const bit = (): number => ((bytes[pos >> 3]! >> (7 - (pos++ & 7))) & 1);
  const readSym = (): number => {
    let code = 0;
    for (let l = 1; l <= HUFFMAN.maxLen && pos < total; l++) {
      code = (code << 1) | bit();
      const off = code - HUFFMAN.firstCode[l]!;
      if (HUFFMAN.count[l]! > 0 && off >= 0 && off < HUFFMAN.count[l]!) return HUFFMAN.sorted[HUFFMAN.firstIndex[l]! + off]!;
    }
    return -1;
  };
  for (;;) {
    const s = readSym();
    if (s < 0) return null;
    if (s === SYM_END) break;
    if (s === SYM_ESC) {
      if (pos + 8 > total) return null;
      let b = 0;
      for (let i = 0; i < 8; i++) b = (b << 1) | bit();
      out.push(b);
    } else out.push(s === SYM_NEWLINE ? 0x0a : s + 0x20);
  }
  // Only zero padding, less than a byte, may follow END: one canonical encoding per text.
  if (total - pos >= 8) return null;
  while (pos < total) if (bit() !== 0) return null;
  return Uint8Array.from(out);
};

/** The shorter of the two codings for `text`. */
export const encodeText = (text: string): { coding: TextCoding; bytes: Uint8Array } => {
  const utf8 = new Uint8Array(Buffer.from(text, 'utf8'));
  const packed = huffmanEncode(utf8);
  return packed.length < utf8.length ? { coding: 'huffman', bytes: packed } : { coding: 'utf8', bytes: utf8 };
};

/** The text, or null for invalid bytes (bad code or bad UTF-8). */
export const decodeText = (coding: TextCoding, bytes: Uint8Array): string | null => {
  const utf8 = coding === 'huffman' ? huffmanDecode(bytes) : bytes;
  if (!utf8) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(utf8);
  } catch {
    return null;
  }
};
