// What the radio channel needs from below (a port that puts frames on air and senses the
// channel) and how it is tuned. Shared by the KISS serial carrier and the simulator's radio.
export interface RadioPort {
  /** Hands one AX.25 frame to the modem; `airtimeMs` is what the channel accounted for it. */
  transmit(frame: Uint8Array, airtimeMs: number): void;
  /** Carrier sense: true while another station is heard. A KISS TNC senses for itself: false. */
  busy(): boolean;
}

export interface ChannelOptions {
  bitrate: number;
  txDelayMs: number;
  txTailMs: number;
  /** p of p-persistent CSMA, 0 < p ≤ 1. */
  persistence: number;
  slotMs: number;
  /** Longest share of time the transmitter may be keyed, 0 < d ≤ 1 (1 = no limit). */
  dutyCycle: number;
  /** Share of time control frames may use (0.02), own announces included. */
  controlShare: number;
  /** Largest frame, to size the budgets so one always fits. */
  maxFrameBytes: number;
  queuePerClass?: number;
  /**
   * Control frames older than this are dropped unsent: a handshake or ping that waited past
   * the link's retry is stale (its retry is queued behind it), and sending it wastes budget.
   */
  controlMaxAgeMs?: number | undefined;
  /**
   * Turn-taking on a half-duplex channel (amateur mode, where a message needs no link first):
   * link setup and control frames keep quiet for a second after the channel opens, and for
   * `replyMs` after a solo frame to a cold neighbour or until a frame for us is heard, so the
   * peer's message or answer (a receipt, a custody ack) gets the channel instead of queueing
   * behind a hello in a TNC.
   */
  turnTaking?: { replyMs: number } | undefined;
  /** Amateur mode: the identification frame and how often it is due. */
  identify?: { everyMs: number; frame: () => Uint8Array } | undefined;
}

export interface ChannelCounters {
  framesOut: number;
  airtimeMs: number;
  userMs: number;
  controlMs: number;
  /** Link setup (handshakes, hellos): outside the control share, bounded by the link's retries. */
  setupMs: number;
  idMs: number;
  idFrames: number;
  /** Frames pushed out of a full queue class. */
  dropped: number;
  /** Control frames dropped as stale (older than controlMaxAgeMs). */
  stale: number;
}
