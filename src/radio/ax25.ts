// AX.25 UI frames (AX.25 2.2, section 3 and 4.3.3.6): destination, source, optional repeaters,
// control 0x03, PID 0xF0 (no layer 3), then our bytes. direwolf refuses a KISS data frame that is
// not valid AX.25 ("Invalid KISS data frame from client app"), so both radio modes use it.
import { SkywireError } from '../errors.ts';
import type { DropReason } from '../wire/result.ts';

export interface Station {
  readonly call: string;
  readonly ssid: number;
}

export interface UiFrame {
  readonly dest: Station;
  readonly src: Station;
  readonly info: Uint8Array;
}

export const AX25 = Object.freeze({
  ADDR: 7,
  UI: 0x03,
  PID_NONE: 0xf0,
  /** Two addresses, control and PID. */
  HEADER: 16,
  /** HDLC flag and FCS around each frame on air (bit stuffing adds up to 1/5 more, not counted). */
  HDLC_OVERHEAD: 4,
});

const CALL_RE = /^[A-Z0-9]{1,6}$/;

/** Parses "N0CALL" or "N0CALL-7"; lowercase is accepted and upper-cased. */
export const parseStation = (text: string, what = 'callsign'): Station => {
  const m = /^([^-]*)(?:-(\d{1,2}))?$/.exec(text.trim().toUpperCase());
  const call = m?.[1] ?? '';
  const ssid = m?.[2] === undefined ? 0 : Number(m[2]);
  if (!m || !CALL_RE.test(call) || ssid > 15) {
    throw new SkywireError('BAD_CALLSIGN', `${what} "${text}" is not an AX.25 station: use 1-6 letters or digits and an optional SSID 0-15, e.g. N0CALL-7`);
  }
  return { call, ssid };
};

/** An amateur callsign as licensed: 3-6 characters with at least one letter and one digit. */
export const parseCallsign = (text: string, what = 'radio.callsign'): Station => {
  const s = parseStation(text, what);
  if (s.call.length < 3 || !/\d/.test(s.call) || !/[A-Z]/.test(s.call)) {
    throw new SkywireError('BAD_CALLSIGN', `${what} "${text}" does not look like an amateur callsign (3-6 characters with letters and a digit, e.g. N0CALL-7): amateur mode needs the licensed operator's callsign`);
  }
  return s;
};

export const stationText = (s: Station): string => (s.ssid === 0 ? s.call : `${s.call}-${s.ssid}`);

export const sameStation = (a: Station, b: Station): boolean => a.call === b.call && a.ssid === b.ssid;

const putAddr = (out: Uint8Array, at: number, s: Station, cBit: boolean, last: boolean): void => {
  for (let i = 0; i < 6; i++) out[at + i] = (i < s.call.length ? s.call.charCodeAt(i) : 0x20) << 1;
  out[at + 6] = (cBit ? 0x80 : 0) | 0x60 | ((s.ssid & 0x0f) << 1) | (last ? 1 : 0);
};

/** A UI command frame (destination C bit set, source C bit clear), without FCS: the TNC adds it. */
export const encodeUi = (f: UiFrame): Uint8Array => {
  const out = new Uint8Array(AX25.HEADER + f.info.length);
  putAddr(out, 0, f.dest, true, false);
  putAddr(out, 7, f.src, false, true);
  out[14] = AX25.UI;
  out[15] = AX25.PID_NONE;
  out.set(f.info, AX25.HEADER);
  return out;
};

const getAddr = (b: Uint8Array, at: number): Station | null => {
  let call = '';
  for (let i = 0; i < 6; i++) {
    const v = b[at + i]!;
    if (v & 1) return null; // the extension bit is only valid in the SSID byte
    const c = String.fromCharCode(v >> 1);
    if (c === ' ') continue;
    call += c;
  }
  if (!CALL_RE.test(call)) return null;
  return { call, ssid: (b[at + 6]! >> 1) & 0x0f };
};

export type UiDecoded = { ok: true; value: UiFrame } | { ok: false; reason: DropReason | 'not-ui' };

/** Never throws. Repeater addresses (digipeated frames) are skipped. */
export const decodeUi = (b: Uint8Array): UiDecoded => {
  if (b.length < AX25.HEADER) return { ok: false, reason: 'malformed' };
  let at = 0;
  let last = false;
  for (let n = 0; n < 10 && !last; n++) {
    if (at + AX25.ADDR > b.length) return { ok: false, reason: 'malformed' };
    last = (b[at + 6]! & 1) === 1;
    at += AX25.ADDR;
  }
  if (!last || at < 14 || at + 2 > b.length) return { ok: false, reason: 'malformed' };
  const dest = getAddr(b, 0);
  const src = getAddr(b, 7);
  if (!dest || !src) return { ok: false, reason: 'malformed' };
  // P/F bit (0x10) may be set on a UI frame; anything else (I, S, U frames) is not ours.
  if ((b[at]! & 0xef) !== AX25.UI || b[at + 1] !== AX25.PID_NONE) return { ok: false, reason: 'not-ui' };
  return { ok: true, value: { dest, src, info: b.subarray(at + 2) } };
};
