// What the send path needs from its stream: clock, limits, the way out, and the give-up rule.
import type { Clock } from '../env/clock.ts';
import type { Body } from './send-buffer.ts';
import type { StreamConfig } from './stream-config.ts';

export interface SenderHost {
  readonly clock: Clock;
  readonly config: StreamConfig;
  mss(): number;
  /** Puts a body on the wire at `seq`, with the receive side's ACK fields. */
  emit(body: Body, seq: number): void;
  /** A timer expired unanswered; false when the stream has given up. */
  expired(): boolean;
  /** A dialer sends nothing after its SYN until the peer accepts. */
  mayPassSyn(): boolean;
}

export interface SendStats { retransmits: number; fastRetransmits: number; timeouts: number; probes: number }
