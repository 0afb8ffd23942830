// Everything that scales with the radio bit rate (5 bit/s to 500 kbit/s): airtime, MTU and the
// link timers. A ping every 5 s would fill a 300 bit/s channel, so radio links keep quiet.
import { AX25 } from './ax25.ts';
import type { LinkConfig } from '../link/link-config.ts';
import { SkywireError } from '../errors.ts';

export const MIN_BITRATE = 5;
export const MAX_BITRATE = 500_000;

export const checkBitrate = (bitrate: number, what = 'radio.bitrate'): number => {
  if (!Number.isFinite(bitrate) || bitrate < MIN_BITRATE || bitrate > MAX_BITRATE) {
    throw new SkywireError('RADIO_CONFIG', `${what} is ${bitrate}: the radio's bit rate must be ${MIN_BITRATE}..${MAX_BITRATE} bit/s (1200 for AFSK on a handheld)`);
  }
  return bitrate;
};

/** Milliseconds on air for an AX.25 frame of `frameBytes`, plus the keying delays. */
export const airtimeMs = (frameBytes: number, bitrate: number, txDelayMs = 0, txTailMs = 0): number =>
  Math.ceil(((frameBytes + AX25.HDLC_OVERHEAD) * 8 * 1000) / bitrate) + txDelayMs + txTailMs;

/**
 * Largest datagram (AX.25 info field) per frame. Small enough that one lost frame costs little
 * airtime, large enough that a 160-character signed message with its route header fits in one
 * frame even at 300 bit/s; direwolf accepts info fields up to 2048 bytes.
 */
export const mtuFor = (bitrate: number): number =>
  bitrate <= 2400 ? 512 : bitrate <= 19_200 ? 1024 : 2048;

/**
 * How long a receiver takes to notice a carrier: about 16 bit times for an HDLC modem's
 * detector (13 ms at 1200 bit/s, 3.2 s at 5 bit/s). CSMA only works with a slot time above it.
 */
export const dcdLagMs = (bitrate: number): number => Math.max(2, Math.ceil(16_000 / bitrate));

/** A slot time that suits the bit rate: the KISS default of 100 ms, or four carrier-detect lags, so two stations looking in the same slot rarely both miss the other's carrier. */
export const slotFor = (bitrate: number): number => Math.max(100, 4 * dcdLagMs(bitrate));

/**
 * How long a station leaves the channel to a cold neighbour it just sent a solo frame
 * (ChannelOptions.turnTaking): an answer's airtime (a signed receipt in a solo frame is about
 * 260 bytes; 400 leaves room) and half a second for the far modem to decode and its node to answer.
 */
export const replyWindowMs = (bitrate: number, keyingMs = 0): number => airtimeMs(400 + AX25.HEADER, bitrate, keyingMs) + 500;

/** Largest plausible link frame for timer sizing: a handshake init plus AX.25. */
const HANDSHAKE_FRAME = 190 + AX25.HEADER;

/**
 * Link timers for a radio carrier: each link's keepalives (a ping and a pong per interval from
 * each side) take 0.4 % of airtime, so five neighbours stay inside the 2 % control share; a
 * peer is dead after four silent intervals; a handshake retry waits for both messages to cross
 * with room for contention. `keyingMs` is TX delay plus TX tail, paid by every frame.
 */
export const radioLinkTimers = (bitrate: number, keyingMs = 0): Partial<LinkConfig> => {
  const pingPair = 2 * airtimeMs(110, bitrate, keyingMs);
  const keepaliveMs = Math.max(5_000, Math.ceil(pingPair / 0.004));
  const retry = Math.max(1_000, 4 * airtimeMs(HANDSHAKE_FRAME, bitrate, keyingMs) + 2_000);
  return {
    keepaliveMs,
    deadAfterMs: 4 * keepaliveMs + retry,
    handshakeRetryMs: retry,
    backoffBaseMs: retry,
    backoffMaxMs: Math.max(30_000, 8 * retry),
    rekeyAfterMs: Math.max(120_000, 20 * keepaliveMs),
  };
};
