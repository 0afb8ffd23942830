// A carrier moves opaque datagrams to and from neighbours. Endpoints are carrier-specific
// strings ("127.0.0.1:4000" for UDP, "n17" in the simulator); the link layer never parses them.
import type { Observable } from 'rxjs';

export interface Datagram {
  readonly from: string;
  readonly bytes: Uint8Array;
}

export interface Carrier {
  /** Short kind label for status output: "udp", "sim", "kiss". */
  readonly kind: string;
  /** This carrier's own endpoint as peers see it. */
  readonly local: string;
  /** Largest datagram the carrier moves in one piece. */
  readonly mtu: number;
  /** Bits per second when known (slow radios); undefined for "fast enough". */
  readonly bitrate?: number | undefined;
  /** Hot stream of received datagrams. */
  readonly received$: Observable<Datagram>;
  /** Fire and forget: a carrier never throws on send, it counts failures. */
  send(to: string, bytes: Uint8Array): void;
  close(): Promise<void>;
}
