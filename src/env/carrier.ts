// A carrier moves opaque datagrams to and from neighbours. Endpoints are carrier-specific
// strings ("127.0.0.1:4000" for UDP, "n17" in the simulator); the link layer never parses them.
import type { Observable } from 'rxjs';
import type { LinkConfig } from '../link/link-config.ts';

export interface Datagram {
  readonly from: string;
  readonly bytes: Uint8Array;
}

/**
 * What a packet is, for carriers that queue by class (radio: user messages before control).
 * No hint means link setup (handshakes). Carriers without a queue ignore it.
 */
/** 'answer': link setup a neighbour asked for, ahead of user frames on a radio (src/radio/tx-queue.ts).
 *  'solo': a user frame to a neighbour with no link up yet (an amateur solo frame), which will
 *  answer it; a half-duplex radio leaves that neighbour the next turn. */
export type SendHint = 'user' | 'control' | 'answer' | 'solo';

export interface Carrier {
  /** Short kind label for status output: "udp", "sim", "kiss". */
  readonly kind: string;
  /** This carrier's own endpoint as peers see it. */
  readonly local: string;
  /** Largest datagram the carrier moves in one piece. */
  readonly mtu: number;
  /** The same to one endpoint, where the path allows more (UDP on loopback); default `mtu`. */
  mtuTo?(endpoint: string): number;
  /** Bits per second when known (slow radios); undefined for "fast enough". */
  readonly bitrate?: number | undefined;
  /** Hot stream of received datagrams. */
  readonly received$: Observable<Datagram>;
  /** Fire and forget: a carrier never throws on send, it counts failures. */
  send(to: string, bytes: Uint8Array, hint?: SendHint): void;
  /** Why the last send to `to` failed, as an errno (ENOTFOUND: the host name does not resolve),
   *  or undefined when the last one went out; for the link's diagnosis (src/node/link-problem.ts). */
  sendErrorFor?(to: string): string | undefined;
  /**
   * 'signed' on an amateur radio carrier: links send signed plaintext instead of AEAD
   * (src/radio/signed-link.ts). Undefined: the encrypted link.
   */
  readonly linkMode?: 'signed' | undefined;
  /** Send from another local port than `local` (UDP only): the reachability probe's echo
   *  (src/node/reach-probe.ts) must not look like a reply to a mapping the peer opened. */
  sendFromOtherPort?(to: string, bytes: Uint8Array): void;
  /** Link timer overrides scaled to a slow carrier (src/radio/radio-params.ts). */
  readonly linkTimers?: Partial<LinkConfig> | undefined;
  close(): Promise<void>;
}
