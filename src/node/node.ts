// A node: one identity, its carriers, and one link actor per neighbour. Sans-IO: everything
// from outside (clock, randomness, carriers, trace) is injected, so the same class runs on UDP
// and inside the simulator, many instances per process.
import { Subject, type SchedulerLike, type Subscription } from 'rxjs';
import { clockScheduler } from '../env/clock-scheduler.ts';
import type { Carrier, Datagram } from '../env/carrier.ts';
import type { Clock } from '../env/clock.ts';
import type { Random } from '../env/random.ts';
import type { Trace } from '../env/trace.ts';
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import type { Identity } from '../identity/identity.ts';
import type { HandshakeCtx } from '../link/handshake.ts';
import { HandshakeGuard } from '../link/handshake-guard.ts';
import type { IndexEntry, LinkHost } from '../link/link-host.ts';
import { withLinkDefaults, type LinkConfig } from '../link/link-config.ts';
import type { DropReason } from '../wire/result.ts';
import { TAG_BYTES, TRANSPORT_OVERHEAD } from '../wire/constants.ts';
import { hasRoom, LINK_HEADROOM } from '../wire/packet.ts';
import { SOLO_OVERHEAD } from '../radio/signed-wire.ts';
import { LinkActor } from '../../actors/link-actor.ts';
import { dispatch } from './dispatch.ts';
import { nodeStatus, type NodeStatus } from './node-status.ts';
import { UnknownPeers } from './unknown-peers.ts';
import { fail } from '../errors.ts';
import type { LinkLayer, NeighbourInfo } from '../overlay/link-layer.ts';

/** A link's datagram limit: its carrier's, or more where the path to this endpoint allows. */
/** Neighbour lists are sorted by address. */
const byPeer = (a: { peer: string }, b: { peer: string }): number => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0);

const neighbourInfo = (l: LinkActor): NeighbourInfo => {
  const v = l.stats.view();
  return { peer: l.peer, rttMs: v.rttMs, lossPct: v.lossPct, payloadMtu: linkMtu(l) - TRANSPORT_OVERHEAD - 1, bitrate: l.carrier.bitrate, carrier: l.carrier.kind };
};

const linkMtu = (l: LinkActor): number => (l.endpoint !== undefined && l.carrier.mtuTo ? l.carrier.mtuTo(l.endpoint) : l.carrier.mtu);

export interface NodeDeps {
  clock: Clock;
  random: Random;
  trace: Trace;
  suite: CryptoSuite;
  identity: Identity;
  /** Label in traces and logs; defaults to the address. */
  name?: string;
}

export interface LinkEvent { t: number; peer: string; from: string; to: string }
export interface Payload { peer: string; bytes: Uint8Array }

export class SkyNode implements LinkHost, LinkLayer {
  readonly name: string;
  readonly address: string;
  readonly addressBytes: Uint8Array;
  /** Misaddressed notices sent (answers, not drops: the init is also counted as bad-mac). */
  misaddressedAnswered = 0;
  readonly clock: Clock;
  /** RxJS time operators in upper layers take this, so they run on the node's clock. */
  readonly scheduler: SchedulerLike;
  readonly random: Random;
  readonly trace: Trace;
  readonly hs: HandshakeCtx;
  readonly identity: Identity;
  readonly suite: CryptoSuite;
  readonly config: LinkConfig;
  readonly guard: HandshakeGuard;
  readonly indexes = new Map<number, IndexEntry>();
  readonly links = new Map<string, LinkActor>();
  /** Where a reachability probe's echo goes (src/node/reach-probe.ts); unset: dropped, counted. */
  probeEcho: ((d: Datagram) => void) | undefined;
  readonly drops: Partial<Record<DropReason, number>> = {};
  /** Links made for peers nobody configured: bounded (src/node/unknown-peers.ts). */
  readonly unknown: UnknownPeers = new UnknownPeers(this);
  readonly payload$ = new Subject<Payload>();
  readonly linkEvents$ = new Subject<LinkEvent>();
  /** A radio neighbour asked again for our link keys: what we sent it since was not readable. */
  readonly keysAsked$ = new Subject<string>();
  private readonly carriers = new Map<string, Carrier>();
  private readonly protocols = new Map<number, (peer: string, bytes: Uint8Array) => void>();
  private readonly subs: Subscription[] = [];
  private started = false;
  readonly startedAt: number;

  constructor(deps: NodeDeps, config?: Partial<LinkConfig>) {
    this.clock = deps.clock;
    this.scheduler = clockScheduler(deps.clock);
    this.random = deps.random;
    this.trace = deps.trace;
    this.address = deps.identity.address;
    this.addressBytes = deps.identity.addressBytes;
    this.name = deps.name ?? deps.identity.address;
    this.hs = { suite: deps.suite, identity: deps.identity };
    this.identity = deps.identity;
    this.suite = deps.suite;
    this.config = withLinkDefaults(config);
    this.guard = new HandshakeGuard(this.clock, this.random, deps.identity.addressBytes, this.config.guard);
    this.startedAt = this.clock.now();
  }

  attach(carrier: Carrier): void {
    if (this.carriers.has(carrier.kind)) fail('INTERNAL', `carrier kind ${carrier.kind} already attached`);
    this.carriers.set(carrier.kind, carrier);
    this.subs.push(carrier.received$.subscribe((d) => dispatch(this, carrier, d)));
  }

  carrierOf(kind: string): Carrier | undefined {
    return this.carriers.get(kind);
  }

  /** Adds a neighbour; with an endpoint we initiate, without one we wait to be called. */
  addPeer(peer: string, carrier: Carrier, endpoint: string | undefined): LinkActor {
    if (peer === this.address) fail('BAD_PEER', `a node cannot peer with itself (${peer})`);
    const existing = this.links.get(peer);
    if (existing) {
      // Configured now: no longer bounded as a stranger, and it may dial.
      if (this.unknown.has(peer)) {
        this.unknown.forget(peer);
        existing.responderOnly = false;
        existing.endpoint ??= endpoint;
      }
      return existing;
    }
    const link = new LinkActor(this, peer, carrier, endpoint);
    this.links.set(peer, link);
    if (this.started) link.start();
    return link;
  }

  /** A link for a peer that initiated to us unconfigured (acceptUnknown); undefined when the
   *  bound on such links is reached and every one of them is up. */
  addUnknownPeer(peer: string, carrier: Carrier): LinkActor | undefined {
    if (peer === this.address) fail('BAD_PEER', `a node cannot peer with itself (${peer})`);
    const existing = this.links.get(peer);
    if (existing) return existing;
    if (!this.unknown.makeRoom()) return undefined;
    const link = new LinkActor(this, peer, carrier, undefined, { responderOnly: true });
    this.links.set(peer, link);
    this.unknown.added(peer);
    if (this.started) link.start();
    return link;
  }

  /** Stops and forgets a link: its sessions and indexes go with it. */
  removePeer(peer: string): void {
    this.unknown.forget(peer);
    const link = this.links.get(peer);
    if (!link) return;
    this.links.delete(peer);
    link.stop();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.trace.emit({ t: this.clock.now(), node: this.name, ev: 'node.start', address: this.address });
    for (const link of this.links.values()) link.start();
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    for (const link of this.links.values()) link.stop();
    this.unknown.stop();
    for (const s of this.subs.splice(0)) s.unsubscribe();
    this.payload$.complete();
    this.linkEvents$.complete();
    this.trace.emit({ t: this.clock.now(), node: this.name, ev: 'node.stop' });
  }

  /** Sends one payload over the link to a neighbour; false when the link has no session. */
  sendTo(peer: string, bytes: Uint8Array): boolean {
    const link = this.links.get(peer);
    if (!link || bytes.length + TRANSPORT_OVERHEAD + 1 > linkMtu(link)) return false;
    return link.send({ kind: 'payload', bytes });
  }

  /** sendTo without a copy, for a payload with the link's room around it (src/wire/packet.ts). */
  sendPacket(peer: string, payload: Uint8Array): boolean {
    if (!hasRoom(payload, LINK_HEADROOM, TAG_BYTES)) return this.sendTo(peer, payload);
    const link = this.links.get(peer);
    if (!link || payload.length + TRANSPORT_OVERHEAD + 1 > linkMtu(link)) return false;
    return link.sendPayloadInPlace(payload);
  }

  countDrop(reason: DropReason | (string & {})): void {
    const d = this.drops as Record<string, number>;
    d[reason] = (d[reason] ?? 0) + 1;
  }

  register(proto: number, handler: (peer: string, bytes: Uint8Array) => void): void {
    if (this.protocols.has(proto)) fail('INTERNAL', `protocol ${proto} already registered`);
    this.protocols.set(proto, handler);
  }

  deliver(peer: string, bytes: Uint8Array): void {
    const handler = bytes.length > 0 ? this.protocols.get(bytes[0]!) : undefined;
    if (handler) handler(peer, bytes);
    else this.payload$.next({ peer, bytes });
  }

  neighbours(): NeighbourInfo[] {
    const out: NeighbourInfo[] = [];
    for (const l of this.links.values()) if (l.state === 'up' || l.state === 'rekeying') out.push(neighbourInfo(l));
    return out.sort(byPeer);
  }

  neighbour(peer: string): NeighbourInfo | undefined {
    const l = this.links.get(peer);
    return l && (l.state === 'up' || l.state === 'rekeying') ? neighbourInfo(l) : undefined;
  }

  upPeers(): string[] {
    const out: string[] = [];
    for (const l of this.links.values()) if (l.state === 'up' || l.state === 'rekeying') out.push(l.peer);
    return out;
  }

  /** Amateur-radio neighbours whose link is not up yet (no hello both ways): an SMS can reach
   *  them in a solo frame (src/radio/signed-wire.ts), so the first message need not wait. */
  soloNeighbours(): (NeighbourInfo & { shared: boolean })[] {
    const out: (NeighbourInfo & { shared: boolean })[] = [];
    const perCarrier = new Map<Carrier, number>();
    for (const l of this.links.values()) if (l.carrier.linkMode === 'signed') perCarrier.set(l.carrier, (perCarrier.get(l.carrier) ?? 0) + 1);
    for (const l of this.links.values()) {
      if (l.carrier.linkMode !== 'signed' || l.endpoint === undefined || l.state === 'up' || l.state === 'rekeying' || l.state === 'idle') continue;
      out.push({ peer: l.peer, rttMs: null, lossPct: 0, payloadMtu: l.carrier.mtu - SOLO_OVERHEAD - 1, bitrate: l.carrier.bitrate, carrier: l.carrier.kind, shared: (perCarrier.get(l.carrier) ?? 0) > 1 });
    }
    return out.sort(byPeer);
  }

  linkChanged(peer: string, from: string, to: string): void {
    const t = this.clock.now();
    this.trace.emit({ t, node: this.name, ev: 'link.state', peer, from, to });
    this.linkEvents$.next({ t, peer, from, to });
  }

  status(): NodeStatus {
    return nodeStatus(this);
  }
}
