// KISS framing (K3MC/KA9Q, 1986): a frame is FEND, a command byte (port << 4 | command), the
// data with FEND and FESC escaped, and FEND. The decoder reads a byte stream from a serial port,
// so frames arrive split, joined and corrupted: it never throws, it drops and counts instead.
export const KISS = Object.freeze({
  FEND: 0xc0,
  FESC: 0xdb,
  TFEND: 0xdc,
  TFESC: 0xdd,
});

/** Low nibble of the command byte. */
export const KissCmd = Object.freeze({
  Data: 0x00,
  TxDelay: 0x01,
  Persistence: 0x02,
  SlotTime: 0x03,
  TxTail: 0x04,
  FullDuplex: 0x05,
  SetHardware: 0x06,
  Return: 0x0f,
});

export interface KissFrame {
  readonly port: number;
  readonly cmd: number;
  readonly data: Uint8Array;
}

/** Escapes and frames one KISS frame. A leading FEND flushes line noise at the TNC. */
export const encodeKiss = (frame: KissFrame): Uint8Array => {
  const d = frame.data;
  let escapes = 0;
  for (const b of d) if (b === KISS.FEND || b === KISS.FESC) escapes++;
  const out = new Uint8Array(d.length + escapes + 3);
  let o = 0;
  out[o++] = KISS.FEND;
  out[o++] = frame.cmd === KissCmd.Return ? 0xff : ((frame.port & 0x0f) << 4) | (frame.cmd & 0x0f);
  for (const b of d) {
    if (b === KISS.FEND) { out[o++] = KISS.FESC; out[o++] = KISS.TFEND; }
    else if (b === KISS.FESC) { out[o++] = KISS.FESC; out[o++] = KISS.TFESC; }
    else out[o++] = b;
  }
  out[o++] = KISS.FEND;
  return out;
};

export const kissData = (data: Uint8Array, port = 0): Uint8Array => encodeKiss({ port, cmd: KissCmd.Data, data });

/** A one-byte parameter command (TXDELAY in 10 ms units, P as 0..255, SlotTime in 10 ms units). */
export const kissParam = (cmd: number, value: number, port = 0): Uint8Array =>
  encodeKiss({ port, cmd, data: Uint8Array.of(Math.max(0, Math.min(255, Math.round(value)))) });

export interface KissDecoderStats {
  frames: number;
  /** Frames that ended inside an escape or had FESC followed by neither TFEND nor TFESC. */
  badEscape: number;
  /** Frames longer than the limit: skipped up to the next FEND. */
  oversize: number;
  /** FEND FEND pairs and bytes outside any frame (normal between frames; counted for status). */
  empty: number;
}

/** Streaming decoder: push chunks in any split, get whole frames out. */
export class KissDecoder {
  readonly stats: KissDecoderStats = { frames: 0, badEscape: 0, oversize: 0, empty: 0 };
  private buf: Uint8Array;
  private len = 0;
  private inFrame = false;
  private escaped = false;
  private bad = false;
  private tooBig = false;

  /** `maxFrame` counts decoded bytes including the command byte. */
  constructor(private readonly maxFrame = 4096) {
    this.buf = new Uint8Array(Math.min(maxFrame, 1024));
  }

  push(chunk: Uint8Array): KissFrame[] {
    const out: KissFrame[] = [];
    for (const b of chunk) {
      if (b === KISS.FEND) {
        this.finish(out);
        this.inFrame = true;
        continue;
      }
      // Bytes before the first FEND are a partial frame we joined midway: ignore them.
      if (!this.inFrame) { this.stats.empty++; continue; }
      if (this.tooBig) continue;
      let v = b;
      if (this.escaped) {
        this.escaped = false;
        if (b === KISS.TFEND) v = KISS.FEND;
        else if (b === KISS.TFESC) v = KISS.FESC;
        else this.bad = true;
      } else if (b === KISS.FESC) {
        this.escaped = true;
        continue;
      }
      this.append(v);
    }
    return out;
  }

  private append(v: number): void {
    if (this.len >= this.maxFrame) { this.tooBig = true; return; }
    if (this.len === this.buf.length) {
      const grown = new Uint8Array(Math.min(this.maxFrame, this.buf.length * 2));
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.len++] = v;
  }

  private finish(out: KissFrame[]): void {
    if (this.tooBig) this.stats.oversize++;
    else if (this.bad || this.escaped) this.stats.badEscape++;
    else if (this.len === 0) { if (this.inFrame) this.stats.empty++; }
    else {
      const c = this.buf[0]!;
      out.push({ port: c >> 4, cmd: c === 0xff ? KissCmd.Return : c & 0x0f, data: this.buf.slice(1, this.len) });
      this.stats.frames++;
    }
    this.len = 0;
    this.escaped = this.bad = this.tooBig = false;
  }
}
