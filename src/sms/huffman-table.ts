// A fixed, canonical Huffman code for short text, built once from English letter frequencies.
// Why fixed: at 300 bit/s a per-message code table would cost more than it saves, and both ends
// must agree without negotiation. Symbols 0..94 are printable ASCII (0x20..0x7e), 95 is '\n',
// 96 (ESC) is followed by one raw byte (any other UTF-8 byte), 97 (END) closes the text.
export const SYM_NEWLINE = 95;
export const SYM_ESC = 96;
export const SYM_END = 97;
const SYMBOLS = 98;

// Relative weights, roughly per 10,000 characters of English chat text.
const LOWER = 'etaoinsrhdlucmwfgypbvkxjqz';
const LOWER_W = Object.freeze([900, 650, 600, 580, 530, 530, 480, 450, 430, 320, 300, 210, 210, 190, 170, 160, 150, 150, 140, 110, 80, 60, 12, 10, 8, 6]);
const UPPER = 'ITASWHMCBPONEDLRFGYKJUVQXZ';
const UPPER_W = Object.freeze([40, 25, 25, 20, 15, 15, 15, 15, 12, 12, 12, 10, 10, 10, 10, 10, 8, 8, 6, 5, 5, 5, 4, 1, 1, 1]);
const PUNCT = '.,\'?!-:"/;()@&+$#%=*_';
const PUNCT_W = Object.freeze([90, 80, 25, 15, 15, 15, 8, 8, 5, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2]);

const weights = (): number[] => {
  const w = Array.from({ length: SYMBOLS }, () => 1);
  w[0] = 1700; // space
  for (let d = 0; d < 10; d++) w[0x30 + d - 0x20] = 20;
  [...LOWER].forEach((c, i) => { w[c.charCodeAt(0) - 0x20] = LOWER_W[i]!; });
  [...UPPER].forEach((c, i) => { w[c.charCodeAt(0) - 0x20] = UPPER_W[i]!; });
  [...PUNCT].forEach((c, i) => { w[c.charCodeAt(0) - 0x20] = PUNCT_W[i]!; });
  w[SYM_NEWLINE] = 10;
  w[SYM_ESC] = 5;
  w[SYM_END] = 60;
  return w;
};

/** Code lengths by the textbook merge; ties broken by creation order, so the table is fixed. */
const codeLengths = (w: readonly number[]): number[] => {
  type N = { w: number; order: number; syms: number[] };
  let nodes: N[] = w.map((x, i) => ({ w: x, order: i, syms: [i] }));
  const len = Array.from({ length: w.length }, () => 0);
  let order = w.length;
  while (nodes.length > 1) {
    nodes.sort((a, b) => a.w - b.w || a.order - b.order);
    const [a, b] = [nodes[0]!, nodes[1]!];
    for (const s of [...a.syms, ...b.syms]) len[s]!++;
    nodes = [{ w: a.w + b.w, order: order++, syms: [...a.syms, ...b.syms] }, ...nodes.slice(2)];
  }
  return len;
};

export interface HuffmanTable {
  /** code[s], len[s]: the canonical code of symbol s, most significant bit first. */
  readonly code: readonly number[];
  readonly len: readonly number[];
  /** Canonical decoding: per length, the first code, the symbol index base and the count. */
  readonly firstCode: readonly number[];
  readonly firstIndex: readonly number[];
  readonly count: readonly number[];
  readonly sorted: readonly number[];
  readonly maxLen: number;
}

const build = (): HuffmanTable => {
  const len = codeLengths(weights());
  const maxLen = Math.max(...len);
  const sorted = len.map((_, s) => s).sort((a, b) => len[a]! - len[b]! || a - b);
  const count = Array.from({ length: maxLen + 1 }, () => 0);
  for (const l of len) count[l]!++;
  const code = Array.from({ length: len.length }, () => 0);
  const firstCode = Array.from({ length: maxLen + 1 }, () => 0);
  const firstIndex = Array.from({ length: maxLen + 1 }, () => 0);
  let c = 0, idx = 0;
  for (let l = 1; l <= maxLen; l++) {
    firstCode[l] = c;
    firstIndex[l] = idx;
    for (let k = 0; k < count[l]!; k++) code[sorted[idx + k]!] = c + k;
    c = (c + count[l]!) << 1;
    idx += count[l]!;
  }
  return Object.freeze({ code, len, firstCode, firstIndex, count, sorted, maxLen });
};

export const HUFFMAN: HuffmanTable = build();
