// The node's side of registration: dial the master's port 1, send a Registration signed by our
// key with a full snapshot of links and routes, then a heartbeat every heartbeatMs with only
// what changed. A lost stream is redialled with jittered exponential backoff, and the next
// registration sends a fresh snapshot, so deltas never apply to a base the master lacks.
import type { Duplex } from 'node:stream';
import type { Overlay } from '../overlay/overlay.ts';
import type { TimerHandle } from '../env/clock.ts';
import { jsonFrame, parseJsonFrame, readFrames } from '../command/frames.ts';
import { REGISTER_PORT } from '../command/ports.ts';
import { signRegistration, type HeartbeatMsg, type LinkInfo, type RouteInfo } from './registration-wire.ts';
import { diff } from './delta.ts';
import { metricsDelta, type NodeMetrics } from './node-metrics.ts';

export interface RegistrarInfo {
  version: string; name(): string; configVersion(): number; commandSeq(): number;
  /** Device data for the master (absent in the simulator, whose nodes have no machine). */
  metrics?(): NodeMetrics;
}
export type RegistrarState = 'connecting' | 'pending' | 'removed' | 'registered' | 'retrying' | 'stopped';
export interface RegistrarStatus { master: string; state: RegistrarState; lastError: string | null; registrations: number; heartbeats: number }

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 5_000;
/** Heartbeats the master may leave unanswered before the stream is presumed dead. */
const MISSED_ACKS = 3;
const CONNECT_TIMEOUT_MS = 10_000;
/** How often a dial made before its route was up looks at the route, and how long it gives a
 *  SYN after the route came up before it dials again. */
const REDIAL_POLL_MS = 100;
const REDIAL_GRACE_MS = 300;

export class Registrar {
  readonly status: RegistrarStatus;
  private stream: Duplex | undefined;
  private timer: TimerHandle | undefined;
  private backoff = BACKOFF_MIN_MS;
  private sentLinks = new Map<string, LinkInfo>();
  private sentRoutes = new Map<string, RouteInfo>();
  private sentMetrics: NodeMetrics | undefined;
  private heardAt = 0;

  constructor(private readonly overlay: Overlay, master: string, private readonly info: RegistrarInfo, private readonly heartbeatMs: number, private readonly log: (m: string) => void = () => {}) {
    this.status = { master, state: 'connecting', lastError: null, registrations: 0, heartbeats: 0 };
  }

  start(): this {
    this.connect();
    return this;
  }

  stop(): void {
    this.status.state = 'stopped';
    this.clear();
    if (this.redialTimer !== undefined) this.overlay.node.clock.clearTimeout(this.redialTimer);
    this.stream?.destroy();
  }

  private clear(): void {
    if (this.timer !== undefined) this.overlay.node.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private later(ms: number, fn: () => void): void {
    this.clear();
    this.timer = this.overlay.node.clock.setTimeout(fn, ms);
  }

  private snapshot(): { links: Map<string, LinkInfo>; routes: Map<string, RouteInfo> } {
    const s = this.overlay.node.status();
    // RTT is bucketed to 10 ms so jitter alone does not make every heartbeat carry every link.
    const links = new Map(s.links.map((l) => [l.peer, { state: l.state, rttMs: l.rttMs === null ? null : Math.round(l.rttMs / 10) * 10 }]));
    const routes = new Map(this.overlay.routes().map((r) => [r.dest, { state: r.state, hops: r.hops }]));
    return { links, routes };
  }

  private connect(): void {
    if (this.status.state === 'stopped') return;
    const node = this.overlay.node;
    const master = this.status.master;
    // A route still repairing towards a master that restarted can take the whole repair timeout
    // (90 s) to give up; a fresh route resolves and sets up in one round trip once the link is up.
    const old = this.overlay.router.routes.get(master);
    if (old && old.state !== 'established') this.overlay.router.close(master);
    this.status.state = 'connecting';
    // A dial made before the route is up sends its SYN into the void, and the stream's own
    // retransmissions (1, 2, 4 s) then cost a booting node up to 7 s. So when the route was not
    // up at dial time, the dial is made again once, as soon as the route is: one extra dial at
    // most, never a loop on a slow (radio) path whose route was up to begin with.
    const routeWasUp = this.overlay.router.routes.get(master)?.state === 'established';
    const stream = (this.stream = this.overlay.dial(master, REGISTER_PORT));
    this.later(CONNECT_TIMEOUT_MS, () => stream.destroy(Object.assign(new Error('connect timed out'), { code: 'timeout' })));
    if (!routeWasUp) this.redialWhenRouted(stream, master);
    const lost = (why: string): void => {
      if (this.stream !== stream || this.status.state === 'stopped') return;
      this.stream = undefined;
      this.status.state = 'retrying';
      this.status.lastError = why;
      const wait = Math.min(BACKOFF_MAX_MS, this.backoff) * (0.75 + node.random.float() / 2);
      this.backoff = Math.min(BACKOFF_MAX_MS, this.backoff * 2);
      this.later(Math.round(wait), () => this.connect());
    };
    stream.on('error', (e: Error & { code?: string }) => lost(e.code ?? e.message));
    stream.on('close', () => lost('closed by the master'));
    stream.once('connect', () => {
      this.clear();
      this.heardAt = node.clock.now();
      const { links, routes } = this.snapshot();
      this.sentLinks = links;
      this.sentRoutes = routes;
      this.sentMetrics = this.info.metrics?.();
      stream.write(jsonFrame(signRegistration(node.suite, node.identity.secretKey, {
        v: 1, address: node.address, publicKey: Buffer.from(node.identity.publicKey).toString('base64'),
        name: this.info.name(), version: this.info.version, configVersion: this.info.configVersion(), commandSeq: this.info.commandSeq(),
        issuedAtMs: node.clock.wallMs(), links: Object.fromEntries(links), routes: Object.fromEntries(routes),
        ...(this.sentMetrics ? { metrics: this.sentMetrics } : {}),
      })));
    });
    readFrames(stream, (bytes) => {
      const m = parseJsonFrame(bytes) as { type?: string; status?: string; held?: string; credential?: unknown; revocations?: unknown } | undefined;
      this.heardAt = node.clock.now();
      // Membership rides on this stream: the list first, so a fresh credential is checked
      // against the newest revocations. Both are verified against the master's key.
      if (typeof m?.revocations === 'string') this.overlay.membership.offerRevocations(Buffer.from(m.revocations, 'base64'));
      if (typeof m?.credential === 'string') this.overlay.membership.offerCredential(Buffer.from(m.credential, 'base64'));
      if (m?.type !== 'registered') return;
      if (this.status.state !== 'registered' && this.status.state !== 'pending' && this.status.state !== 'removed') {
        this.status.registrations++;
        this.backoff = BACKOFF_MIN_MS;
        this.later(this.heartbeatMs, () => this.heartbeat(stream));
      }
      const state = m.status === 'accepted' ? 'registered' : m.status === 'removed' ? 'removed' : 'pending';
      if (state !== this.status.state) {
        this.log(state === 'registered' ? `registered with master ${this.status.master}`
          : state === 'removed' ? `master ${this.status.master} removed this node from the fleet ("skywire nodes approve ${node.address}" on the master admits it again)`
            : m.held === 'name-taken' ? `master ${this.status.master} holds this node: another node already has the name "${this.info.name()}" (rename this one, or "skywire nodes approve ${node.address}" after removing the other)`
              : `master ${this.status.master} holds this node for approval ("skywire nodes approve ${node.address}" on the master)`);
      }
      this.status.state = state;
      this.status.lastError = null;
    });
  }

  private redialTimer: TimerHandle | undefined;

  private redialWhenRouted(stream: Duplex, master: string): void {
    const clock = this.overlay.node.clock;
    let connected = false;
    stream.once('connect', () => { connected = true; });
    let upSince: number | undefined;
    const check = (): void => {
      this.redialTimer = undefined;
      if (this.stream !== stream || connected || this.status.state === 'stopped') return;
      if (this.overlay.router.routes.get(master)?.state === 'established') {
        upSince ??= clock.now();
        // A moment for a SYN that did make it; then the one redial, with no backoff.
        if (clock.now() - upSince >= REDIAL_GRACE_MS) {
          this.stream = undefined;
          stream.destroy();
          this.connect();
          return;
        }
      }
      this.redialTimer = clock.setTimeout(check, REDIAL_POLL_MS);
    };
    this.redialTimer = clock.setTimeout(check, REDIAL_POLL_MS);
  }

  private heartbeat(stream: Duplex): void {
    if (this.stream !== stream) return;
    // A master that restarted or lost its route cannot say so on this stream; its silence can.
    if (this.overlay.node.clock.now() - this.heardAt > MISSED_ACKS * Math.max(this.heartbeatMs, 1000)) {
      stream.destroy(Object.assign(new Error('no answer from the master'), { code: 'timeout' }));
      return;
    }
    const { links, routes } = this.snapshot();
    const msg: HeartbeatMsg = { type: 'heartbeat', configVersion: this.info.configVersion(), links: diff(this.sentLinks, links), routes: diff(this.sentRoutes, routes) };
    const metrics = this.info.metrics?.();
    if (metrics) {
      const changed = metricsDelta(this.sentMetrics, metrics);
      if (Object.keys(changed).length > 0) msg.metrics = changed;
      this.sentMetrics = metrics;
    }
    this.sentLinks = links;
    this.sentRoutes = routes;
    stream.write(jsonFrame(msg));
    this.status.heartbeats++;
    this.later(this.heartbeatMs, () => this.heartbeat(stream));
  }

  /** Sends a heartbeat now (after a config change), instead of waiting for the next one. */
  nudge(): void {
    if (this.stream && (this.status.state === 'registered' || this.status.state === 'pending')) this.heartbeat(this.stream);
  }
}
