// Which unit to send next, if any: a pure decision over the send state, the congestion
// allowance and the peer's window. The SYN and the FIN need no window space.
import type { SendBuffer } from './send-buffer.ts';

export type NextSend =
  | { kind: 'send'; seq: number; maxData: number }
  /** Only a short tail is left: wait for the push timer in case more writes follow. */
  | { kind: 'push' }
  | { kind: 'idle' };

export const nextSend = (s: SendBuffer, allowance: number, mss: number, pushed: boolean, mayPassSyn: boolean): NextSend => {
  if (s.nxt >= s.end || (s.nxt > 0 && s.una === 0 && !mayPassSyn)) return { kind: 'idle' };
  const dataLeft = s.dataEnd - s.nxt;
  if (s.nxt === 0 || dataLeft <= 0) return { kind: 'send', seq: s.nxt, maxData: 0 };
  const flight = s.nxt - s.una;
  const n = Math.min(mss, dataLeft, allowance - flight, s.wndRight - s.nxt);
  if (n <= 0) return { kind: 'idle' };
  // Window-limited slivers wait for ACKs instead (sender silly-window avoidance).
  if (n < mss && n < dataLeft && flight > 0) return { kind: 'idle' };
  if (n === dataLeft && n < mss && !pushed && !s.finQueued) return { kind: 'push' };
  return { kind: 'send', seq: s.nxt, maxData: n };
};
