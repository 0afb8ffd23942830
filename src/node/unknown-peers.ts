// Links made for peers nobody configured (a master or relay with acceptUnknown). An outsider
// can make one per identity it generates, so they are bounded three ways:
// - such a link only answers: it never dials or re-dials (the endpoint only ever sent us an
//   init, and retrying handshakes to it turned a silent attacker into 1,155 packets/s of ours);
// - it is forgotten once it has not been up for one handshake period (retry x attempts): a
//   peer that never confirmed, or whose link went down, comes back by initiating again;
// - at most `max` exist: a newcomer evicts the oldest one that is not up, or is refused when
//   every one is up (live links are never sacrificed to newcomers).
import type { TimerHandle } from '../env/clock.ts';
import type { LinkActor } from '../../actors/link-actor.ts';
import type { SkyNode } from './node.ts';

const isUp = (l: LinkActor): boolean => l.state === 'up' || l.state === 'rekeying';

export interface UnknownPeersView {
  count: number;
  max: number;
  /** Removed because they were not up for a handshake period. */
  expired: number;
  /** Removed to make room for a newcomer. */
  evicted: number;
  /** Newcomers refused because every unknown link was up. */
  refused: number;
}

export class UnknownPeers {
  /** Peer → when its link was made or last heard an init; insertion order is age order. */
  private readonly since = new Map<string, number>();
  private timer: TimerHandle | undefined;
  private expired = 0;
  private evicted = 0;
  private refused = 0;

  constructor(private readonly node: SkyNode) {}

  get size(): number {
    return this.since.size;
  }

  get max(): number {
    return this.node.config.guard.maxUnknownPeers;
  }

  has(peer: string): boolean {
    return this.since.has(peer);
  }

  /** Room for one more link: evicts the oldest that is not up, or false when all are up. */
  makeRoom(): boolean {
    if (this.since.size < this.max) return true;
    for (const peer of this.since.keys()) {
      const l = this.node.links.get(peer);
      if (l && isUp(l)) continue;
      this.evicted++;
      this.node.countDrop('unknown-peer-evicted');
      this.node.removePeer(peer);
      return true;
    }
    this.refused++;
    this.node.countDrop('unknown-peer-full');
    return false;
  }

  added(peer: string): void {
    this.since.set(peer, this.node.clock.now());
    this.arm();
  }

  /** A verified init from `peer`: its grace period starts again (its place in age order stays). */
  heard(peer: string): void {
    if (this.since.has(peer)) this.since.set(peer, this.node.clock.now());
  }

  forget(peer: string): void {
    this.since.delete(peer);
  }

  view(): UnknownPeersView {
    return { count: this.since.size, max: this.max, expired: this.expired, evicted: this.evicted, refused: this.refused };
  }

  stop(): void {
    if (this.timer !== undefined) this.node.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private get graceMs(): number {
    return this.node.config.handshakeRetryMs * this.node.config.handshakeAttempts;
  }

  // One timer for all of them, armed only while there are any: nodes without unknown peers
  // (every simulator scenario) schedule nothing new.
  private arm(): void {
    if (this.timer !== undefined || this.since.size === 0) return;
    this.timer = this.node.clock.setTimeout(() => {
      this.timer = undefined;
      this.sweep();
      this.arm();
    }, this.graceMs);
  }

  private sweep(): void {
    const now = this.node.clock.now();
    const grace = this.graceMs;
    for (const [peer, at] of [...this.since]) {
      const l = this.node.links.get(peer);
      if (l && (isUp(l) || now - Math.max(at, l.stats.lastRx) < grace)) continue;
      this.expired++;
      this.node.removePeer(peer);
    }
  }
}
