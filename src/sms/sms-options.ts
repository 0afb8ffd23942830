// SMS timers. Implementation constants, not on the wire: a radio network at 300 bit/s and a
// LAN differ by four orders of magnitude, so the ack timeout also grows with the frame's
// airtime at the next hop's bitrate (see retryDelayMs).
import { ACK_BYTES } from './sms-wire.ts';
export interface SmsOptions {
  /** Wait for a custody ack this long (plus airtime) before the first resend. */
  ackTimeoutMs: number;
  /** Backoff doubles per try up to this; a link or topology change retries at once anyway. */
  maxRetryMs: number;
  /** ± this fraction of jitter on every retry, so relays that lost the same link do not collide. */
  jitter: number;
  /** A parcel held longer than this is dropped (the sender's copy shows 'expired'). */
  lifetimeMs: number;
  /** Link overhead per frame assumed for airtime (link header, tag, AX.25 and KISS framing). */
  linkOverheadBytes: number;
  /** 'mapless' (default): with no path on the map, a direct neighbour, a breadcrumb, then a
   *  managed flood over radio neighbours. 'map': the topology's path only (the design before
   *  issue 13, kept so the simulator can compare the two in one run). */
  routing: 'mapless' | 'map';
}

export const SMS_DEFAULTS: SmsOptions = Object.freeze({
  ackTimeoutMs: 1500,
  maxRetryMs: 60_000,
  jitter: 0.2,
  lifetimeMs: 7 * 24 * 3600_000,
  linkOverheadBytes: 60,
  routing: 'mapless',
});

export const withSmsDefaults = (o: Partial<SmsOptions> = {}): SmsOptions => ({ ...SMS_DEFAULTS, ...o });

/** Delay before try `tries + 1`: (ack timeout + round-trip airtime + the link's measured round
 *  trip, which on a half-duplex radio holds the modems' turnaround) doubled per try, capped,
 *  jittered. Without the measured part a resend could go out before the ack had a chance.
 *  The jitter only lengthens: the base is what an answer needs, and on a cold 1200 bit/s hop
 *  (no round trip measured yet) a message in a solo frame and the receipt that answers it took
 *  6.3 s, which a -20 % draw (5.6 s) cut short with a resend of 2.6 s of airtime. */
export const retryDelayMs = (o: SmsOptions, tries: number, frameBytes: number, bitrate: number | undefined, unit: number, rttMs?: number): number => {
  const air = bitrate ? Math.ceil(((frameBytes + ACK_BYTES + 2 * o.linkOverheadBytes) * 8 * 1000) / bitrate) : 0;
  const base = o.ackTimeoutMs + 2 * air + Math.min(rttMs ?? 0, 30_000);
  const d = Math.min(Math.max(o.maxRetryMs, base), base * 2 ** Math.min(tries, 20));
  return Math.max(1, Math.round(d * (1 + o.jitter * unit)));
};
