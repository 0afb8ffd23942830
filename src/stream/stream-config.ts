// Implementation constants of the stream transport (not on the wire), overridable per node.
export interface StreamConfig {
  /** Bytes written but not yet acknowledged before write callbacks wait. */
  sendBufferBytes: number;
  /** Bytes received but not yet read by the app (plus out-of-order data) before the window closes. */
  receiveBufferBytes: number;
  /** Initial congestion window in segments (RFC 6928). */
  initialCwndSegments: number;
  /** RTO before any RTT sample, and its bounds (RFC 6298). */
  initialRtoMs: number;
  minRtoMs: number;
  maxRtoMs: number;
  /** A lone in-order segment is acknowledged after at most this long. */
  delayedAckMs: number;
  /** Consecutive retransmission or probe timeouts with nothing heard from the peer before 'timeout'. */
  maxRetries: number;
  /** Silence from the peer, while we wait for an answer, before 'timeout' whatever the retry count. */
  giveUpMs: number;
  /** How long a cleanly closed stream stays to re-acknowledge a retransmitted FIN. */
  lingerMs: number;
}

/** In-order segments before the receiver's ACKs thin out, and how many one ACK then covers
 *  (src/stream/receiver.ts). Not on the wire: either end may pick its own. */
export const ACK_DECIMATE_AFTER = 100;
export const ACK_EVERY_DECIMATED = 10;

export const defaultStreamConfig: Readonly<StreamConfig> = Object.freeze({
  sendBufferBytes: 256 * 1024,
  receiveBufferBytes: 256 * 1024,
  initialCwndSegments: 10,
  initialRtoMs: 1_000,
  minRtoMs: 200,
  maxRtoMs: 60_000,
  delayedAckMs: 20,
  maxRetries: 8,
  giveUpMs: 60_000,
  lingerMs: 30_000,
});

export const withStreamDefaults = (partial?: Partial<StreamConfig>): StreamConfig => ({ ...defaultStreamConfig, ...partial });
