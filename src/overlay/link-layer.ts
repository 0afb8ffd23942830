// What the layers above links (topology, routes, streams) may use of a node. They depend on
// this interface, not on SkyNode, so they can be tested against a small in-memory fake.
import type { Observable, SchedulerLike } from 'rxjs';
import type { Clock } from '../env/clock.ts';
import type { Random } from '../env/random.ts';
import type { Trace } from '../env/trace.ts';
import type { Identity } from '../identity/identity.ts';
import type { CryptoSuite } from '../identity/crypto-suite.ts';

/** First byte of a link payload: which upper layer it belongs to. */
export const Proto = {
  Topology: 0x01,
  Route: 0x02,
  /** Store-and-forward SMS, hop by hop (src/sms). */
  Sms: 0x03,
  /** Fleet credentials and the revocation list, passed along links (src/membership). */
  Membership: 0x04,
  /** "How do you see me?": the reachability probe (src/node/reach-probe.ts). */
  Probe: 0x05,
} as const;

export interface LinkChange { t: number; peer: string; from: string; to: string }

export interface NeighbourInfo {
  peer: string;
  /** Smoothed RTT in ms, or null before the first ping came back. */
  rttMs: number | null;
  /** Recent ping loss, 0..100. */
  lossPct: number;
  /** Largest link payload the carrier moves (after link overhead). */
  payloadMtu: number;
  /** Carrier bits per second when known (radios); undefined for fast carriers. */
  bitrate: number | undefined;
  carrier: string;
}

export interface LinkLayer {
  readonly address: string;
  /** Label for traces. */
  readonly name: string;
  readonly identity: Identity;
  readonly suite: CryptoSuite;
  readonly clock: Clock;
  readonly random: Random;
  readonly trace: Trace;
  readonly scheduler: SchedulerLike;
  /** Every link state transition, as it happens. */
  readonly linkEvents$: Observable<LinkChange>;
  /** A neighbour could not check what we sent it (amateur radio: it missed our hello). */
  readonly keysAsked$?: Observable<string>;
  /** Neighbours whose link is up now (up or rekeying), sorted by address. */
  neighbours(): NeighbourInfo[];
  /** One neighbour whose link is up now, without building and sorting the whole list: a relay
   *  with a thousand links asks this per forwarded packet. */
  neighbour?(peer: string): NeighbourInfo | undefined;
  /** Addresses of the neighbours whose link is up now, in no particular order. */
  upPeers?(): string[];
  /** Amateur-radio neighbours not up yet, which an SMS reaches in a solo frame (node.ts);
   *  shared: on a channel with other stations of ours too. */
  soloNeighbours?(): (NeighbourInfo & { shared: boolean })[];
  /** Sends one payload to a neighbour; false if the link is not up or the payload too big. */
  sendTo(peer: string, bytes: Uint8Array): boolean;
  /** The same, sealing in place: `payload` was made by packetFor (src/wire/packet.ts) or carved
   *  out of a received datagram, so the bytes around it are the caller's to give away. */
  sendPacket(peer: string, payload: Uint8Array): boolean;
  /** Payloads whose first byte is `proto` go to `handler` instead of the generic payload stream. */
  register(proto: number, handler: (peer: string, bytes: Uint8Array) => void): void;
  countDrop(reason: string): void;
}

/** `peer`'s NeighbourInfo if its link is up: the layer's direct lookup, or a search of the list. */
export const neighbourOf = (layer: Pick<LinkLayer, 'neighbours' | 'neighbour'>, peer: string): NeighbourInfo | undefined =>
  layer.neighbour ? layer.neighbour(peer) : layer.neighbours().find((n) => n.peer === peer);
