// Segment timestamps (RFC 7323 style): the sender's clock in ms mod 2^32, echoed back by the
// peer, give an RTT sample from every ACK that moves the window, retransmissions included.
import { U32 } from './stream-wire.ts';

/** A segment's `ts` field; 0 is kept to mean "nothing to echo". */
export const tsOf = (now: number): number => (Math.floor(now) + 1) % U32 || 1;

/** The round trip an echoed timestamp measures, or null when there is none or it is implausible. */
export const echoRtt = (now: number, echo: number): number | null => {
  if (echo === 0) return null;
  const r = (tsOf(now) - echo + U32) % U32;
  return r < U32 / 2 ? r : null;
};
