// What an ACK does to the send side: a new cumulative ACK frees buffer, gives an RTT sample from
// its echoed timestamp, grows the congestion window (or, in NewReno recovery, resends after a
// partial ACK) and restarts the retransmission timer; a duplicate ACK counts toward fast
// retransmit.
import type { SendBuffer } from './send-buffer.ts';
import type { Sender } from './sender.ts';
import { echoRtt } from './timestamp.ts';

export interface AckFields { ack: number; window: number; echo: number; pure: boolean }

export const learnWindow = (s: SendBuffer, ack: number, window: number): void => {
  // The peer never moves its right edge back, so the largest seen is current even when
  // segments arrive out of order.
  s.wndRight = Math.max(s.wndRight, Math.max(ack, 1) + window);
};

/** Returns the units newly acknowledged, or -1 for an ACK of units never sent. */
export const takeAck = (snd: Sender, now: number, mss: number, f: AckFields): number => {
  const s = snd.buf;
  if (f.ack > s.max) return -1;
  learnWindow(s, f.ack, f.window);
  const acked = s.ack(f.ack);
  if (acked > 0) {
    const r = echoRtt(now, f.echo);
    if (r !== null) snd.rtt.sample(r);
    if (snd.cc.onNewAck(acked, s.una, s.nxt - s.una, mss)) snd.resendFirst();
    if (s.nxt > s.una) snd.timers.rto.set(now + snd.rtt.rto);
  } else if (f.ack === s.una && f.pure && s.max > s.una && s.wndRight > s.una) {
    // A duplicate: no data, nothing new acknowledged, data outstanding, window not shut.
    if (snd.cc.onDupAck(s.una, s.max, s.nxt - s.una, mss) === 'retransmit') {
      snd.stats.fastRetransmits++;
      snd.resendFirst();
    }
  }
  return acked;
};
