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

export interface OverlayOptions { topology?: Partial<TopologyOptions>; route?: Partial<RouteConfig>; stream?: Partial<StreamConfig> }
export type StreamHandler = (stream: Duplex, from: { peer: string; port: number }) => void;
export interface Datagram { peer: string; srcPort: number; dstPort: number; bytes: Uint8Array }

export class Overlay {
  readonly topology: TopologyService;
  readonly router: Router;
  readonly datagrams$ = new Subject<Datagram>();
  private readonly listeners = new Map<number, StreamHandler>();
  private readonly muxes = new Map<Conversation, StreamMux>();

  private readonly streamConfig: Partial<StreamConfig> | undefined;

  constructor(readonly node: SkyNode, opts: OverlayOptions = {}) {
    this.streamConfig = opts.stream;
    this.topology = new TopologyService(node, opts.topology);
    const rk = routeKeyPair(node.suite, node.identity);
    this.router = new Router(node, this.topology, rk.secret, (conv) => this.attach(conv), opts.route);
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
      send: (b) => conv.send(b),
      listener: (port) => {
        const h = this.listeners.get(port);
        return h && ((s: Duplex) => h(s, { peer: conv.peer, port }));
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

  listen(port: number, handler: StreamHandler): void {
    if (this.listeners.has(port)) fail('BAD_REQUEST', `port ${port} already has a listener`);
    this.listeners.set(port, handler);
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

  stop(): void {
    for (const m of this.muxes.values()) m.close();
    this.router.stop();
    this.topology.stop();
    this.datagrams$.complete();
  }
}
