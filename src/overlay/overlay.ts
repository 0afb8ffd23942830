// A node with everything above links: topology, routes and streams. This is what applications
// and the CLI use (dial, listen, send, ping); the same class runs on UDP and in the simulator.
import type { StreamConfig } from '../stream/stream-config.ts';
import type { Duplex } from 'node:stream';
import { Subject } from 'rxjs';
import type { SkyNode } from '../node/node.ts';
import { TopologyService } from '../topology/topology-service.ts';
import type { TopologyOptions } from '../topology/topology-options.ts';
import { routeKeyPair } from '../topology/route-key.ts';
import { Router } from '../route/router.ts';
import type { RouteConfig } from '../route/router-ctx.ts';
import type { Conversation } from '../route/conversation.ts';
import { convMtu } from '../route/conversation.ts';
import { StreamMux } from '../stream/stream-mux.ts';
import { fail } from '../errors.ts';
import { routeStatus, type RouteStatus } from './route-status.ts';
import { Membership, type Access, type Caller } from '../membership/membership.ts';
import { attachMembershipGossip } from '../membership/membership-gossip.ts';
import { membershipGate } from '../membership/route-gate.ts';
import type { TimerHandle } from '../env/clock.ts';

const EXPIRY_CHECK_MS = 60_000;

export interface OverlayOptions { topology?: Partial<TopologyOptions>; route?: Partial<RouteConfig>; stream?: Partial<StreamConfig> }
/** from.caller: who is calling, as membership proves it (checked against the listener's access
 *  before the handler sees the stream). */
export type StreamHandler = (stream: Duplex, from: { peer: string; port: number; caller: Caller }) => void;
export interface Datagram { peer: string; srcPort: number; dstPort: number; bytes: Uint8Array }

export class Overlay {
  readonly topology: TopologyService;
  readonly router: Router;
  readonly datagrams$ = new Subject<Datagram>();
  private readonly listeners = new Map<number, { handler: StreamHandler; access: Access }>();
  /** Fleet membership: who may use which port, and which routes a relay carries. */
  readonly membership: Membership;
  /** Streams refused because the caller may not use the port, by port. */
  readonly refusedCallers: Record<number, number> = {};
  private readonly gossip: ReturnType<typeof attachMembershipGossip>;
  private expiryTimer: TimerHandle | undefined;
  private stopped = false;
  private readonly muxes = new Map<Conversation, StreamMux>();

  private readonly streamConfig: Partial<StreamConfig> | undefined;

  constructor(readonly node: SkyNode, opts: OverlayOptions = {}) {
    this.streamConfig = opts.stream;
    this.membership = new Membership(node.suite, node.clock, node.address);
    // Records only from members: a stranger cannot fill every node's database (no-op without a master).
    this.topology = new TopologyService(node, {
      ...opts.topology,
      admitOrigin: (origin) => this.membership.isMember(origin),
      // Strangers (a node not yet admitted, or anyone who linked to us) see only the records of
      // our way to the master: enough to register, nothing of the rest of the fleet.
      shareRecord: (peer, origin) => !this.membership.enforced || this.membership.isMember(peer) || this.wayToMaster().includes(origin),
    });
    const rk = routeKeyPair(node.suite, node.identity);
    this.router = new Router(node, this.topology, rk.secret, (conv) => this.attach(conv), opts.route);
    // Conversations closed, evicted, swept or replaced take their mux with them.
    this.router.released$.subscribe((conv) => this.muxes.delete(conv));
    this.gossip = attachMembershipGossip(node, this.membership, () => this.wayToMaster());
    this.router.ctx.gate = membershipGate(this.membership, () => {
      const master = this.membership.masterAddress;
      return master === undefined ? undefined : this.topology.pathTo(master)?.[1];
    });
    // A credential that lapsed (its node lost touch with the master for a day) ends what that
    // node has open, as a revocation does: checked once a minute, no per-packet cost.
    const expiry = (): void => {
      if (this.stopped) return;
      for (const a of this.membership.expire()) if (!this.membership.isMember(a)) this.router.evictPeer(a);
      this.expiryTimer = node.clock.setTimeout(expiry, EXPIRY_CHECK_MS);
    };
    this.expiryTimer = node.clock.setTimeout(expiry, EXPIRY_CHECK_MS);
    // Our way to the master changed (records arrived, links moved): strangers linked to us get
    // the records and credentials along it, which they need to register through us.
    let way = '';
    this.topology.changes$.subscribe(() => {
      if (!this.membership.enforced) return;
      const now = this.wayToMaster().join();
      if (now === way) return;
      way = now;
      for (const n of node.neighbours()) {
        if (this.membership.isMember(n.peer)) continue;
        this.topology.resync(n.peer);
        this.gossip.offerWay(n.peer);
      }
    });
    // A record that came before its origin's credential was dropped: ask for it again now.
    this.membership.changes$.subscribe((c) => {
      if (c.kind === 'credential' && c.address !== node.address && !this.topology.record(c.address)) this.topology.request(c.address);
      // A neighbour just admitted saw only our way to the master: now it gets the database.
      if (c.kind === 'credential' && node.neighbour(c.address) !== undefined) this.topology.resync(c.address);
      // A revocation takes effect on what is open, not only on what opens next.
      if (c.kind === 'revocations') for (const a of this.membership.revocations?.entries.keys() ?? []) if (!this.membership.isMember(a)) this.router.evictPeer(a);
    });
  }

  /** Our path to the master, ourselves first; just ourselves when there is none (or we are it). */
  private wayToMaster(): readonly string[] {
    const master = this.membership.masterAddress;
    return (master === undefined ? null : this.topology.pathTo(master)) ?? [this.node.address];
  }

  get address(): string {
    return this.node.address;
  }

  private attach(conv: Conversation): void {
    const mux = new StreamMux({
      clock: this.node.clock,
      random: this.node.random,
      mtu: convMtu(1200),
      initiator: conv.initiator,
      send: (b) => conv.sendPacket(b),
      listener: (port) => {
        const l = this.listeners.get(port);
        if (!l) return undefined;
        // Deny by default: the caller's authenticated address must satisfy the port's access.
        if (!this.membership.allows(l.access, conv.peer)) {
          this.refusedCallers[port] = (this.refusedCallers[port] ?? 0) + 1;
          this.node.countDrop('stream-caller-denied');
          return undefined;
        }
        return (s: Duplex) => l.handler(s, { peer: conv.peer, port, caller: this.membership.caller(conv.peer) });
      },
      onDatagram: (d) => this.datagrams$.next({ peer: conv.peer, ...d }),
      config: this.streamConfig,
    });
    this.muxes.set(conv, mux);
    conv.upper = { receive: (b) => mux.receive(b), setMtu: (n) => mux.setMtu(n), fail: (code) => mux.fail(code) };
  }

  private muxTo(address: string): StreamMux {
    if (address === this.address) fail('BAD_ADDRESS', 'cannot dial this node itself');
    return this.muxes.get(this.router.route(address).conv)!;
  }

  /** A reliable, ordered byte stream to `port` on `address`; emits 'connect', or errors with a code. */
  dial(address: string, port: number): Duplex {
    return this.muxTo(address).dial(port);
  }

  /** Takes streams dialled to `port` from callers that `access` admits (no default: every
   *  service says who may call it). */
  listen(port: number, access: Access, handler: StreamHandler): void {
    if (this.listeners.has(port)) fail('BAD_REQUEST', `port ${port} already has a listener`);
    this.listeners.set(port, { handler, access });
  }

  unlisten(port: number): void {
    this.listeners.delete(port);
  }

  /** One unreliable datagram; false if it could not even be queued. */
  send(address: string, port: number, bytes: Uint8Array, srcPort = 0): boolean {
    return this.muxTo(address).sendDatagram(srcPort, port, bytes);
  }

  routes(): RouteStatus[] {
    return routeStatus(this);
  }

  /** Conversations with a stream mux: ours and those set up to us (bounded by the router). */
  get conversations(): number {
    return this.muxes.size;
  }

  /** Sizes of the tables outsiders can grow, each bounded (for status; the drops say what was
   *  refused or evicted). */
  tables(): { conversations: number; inbound: number; routeEntries: number; records: number; recordLinks: number } {
    return {
      conversations: this.muxes.size,
      inbound: this.router.inbound.size,
      routeEntries: this.router.table.byId.size,
      records: this.topology.records,
      recordLinks: this.topology.lsdb.totalLinks,
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.expiryTimer) this.node.clock.clearTimeout(this.expiryTimer);
    for (const m of this.muxes.values()) m.close();
    this.gossip.stop();
    this.router.stop();
    this.topology.stop();
    this.datagrams$.complete();
  }
}
