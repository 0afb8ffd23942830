// What a stream core tells the layer above it (the Duplex adapter, or the simulator directly),
// and what it needs from the conversation below. Events fire after the core has finished
// updating itself, so handlers may call back into it.
import type { Clock } from '../env/clock.ts';
import type { Segment } from './segment.ts';
import type { StreamConfig } from './stream-config.ts';
import type { StreamErrorCode } from './stream-error.ts';

export interface CoreEnv {
  readonly clock: Clock;
  readonly config: StreamConfig;
  mss(): number;
  output(seg: Segment): void;
  /** The stream leaves the conversation: at once when failed, after lingering when closed. */
  done(): void;
}

export interface StreamEvents {
  /** The dialer's SYN was accepted. */
  connect(): void;
  /** In-order data, or the peer's FIN, is ready for read(). */
  readable(): void;
  /** The send buffer has room again. */
  writable(): void;
  /** Our FIN is acknowledged: the peer has every byte we wrote. */
  finished(): void;
  /** The stream failed; no further events follow. */
  error(code: StreamErrorCode): void;
}

export const noEvents = (): StreamEvents => ({
  connect: () => {},
  readable: () => {},
  writable: () => {},
  finished: () => {},
  error: () => {},
});
