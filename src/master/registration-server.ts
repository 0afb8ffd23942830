// The master's registration port. A node opens one stream, sends its signed Registration and
// then heartbeats on the same stream; the stream's end-to-end authentication ties every
// heartbeat to the registered key. Bad frames are counted and the stream dropped, never thrown.
import type { Duplex } from 'node:stream';
import { Subject } from 'rxjs';
import type { Overlay } from '../overlay/overlay.ts';
import { jsonFrame, parseJsonFrame, readFrames } from '../command/frames.ts';
import { REGISTER_PORT } from '../command/ports.ts';
import { checkRegistration, type LinkInfo, type RegisteredMsg, type RegistrationBody, type RouteInfo } from './registration-wire.ts';
import { apply } from './delta.ts';
import { applyMetrics } from './node-metrics.ts';
import type { Enrolment, NodeRecord, Registry } from './registry.ts';

export interface EnrolmentPolicy {
  /** A node registering for the first time (or again after being held). */
  decide(address: string): Enrolment;
  /** The credential an accepted node gets with its registration or a heartbeat ack. */
  credentialFor(r: NodeRecord): { bytes: Uint8Array; renewed: boolean };
  revocations(): Uint8Array | undefined;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

// Bounded fields: what a node reports lands in the master's registry and on every page.
const isState = (v: unknown): boolean => typeof v === 'string' && v.length <= 32;
const isLink = (v: unknown): v is LinkInfo => typeof v === 'object' && v !== null && isState((v as LinkInfo).state)
  && ((v as LinkInfo).rttMs === null || (typeof (v as LinkInfo).rttMs === 'number' && Number.isFinite((v as LinkInfo).rttMs)));
const isRoute = (v: unknown): v is RouteInfo => typeof v === 'object' && v !== null && isState((v as RouteInfo).state)
  && ((v as RouteInfo).hops === null || Number.isSafeInteger((v as RouteInfo).hops));

/** The most links and routes one node's record holds; more are dropped and counted. */
export const MAX_LINKS_PER_NODE = 1024;
export const MAX_ROUTES_PER_NODE = 4096;
/** Records waiting for approval. Anyone may register (keys cost nothing), so beyond this the
 *  pending record seen longest ago is forgotten for the newcomer (counted: pending-evicted); an
 *  evicted node that is still there registers again on its next connect. */
export const MAX_PENDING = 1000;

export class RegistrationServer {
  /** Open registration streams by node address: a node with one is online. */
  readonly streams = new Map<string, Duplex>();
  readonly refused: Record<string, number> = {};
  registrations = 0;
  /** Every accepted registration (a node started, or came back): software deploys wait on it. */
  readonly registered$ = new Subject<NodeRecord>();
  /** A node's record changed (registration, heartbeat, its stream closed): the web page's feed. */
  readonly changed$ = new Subject<string>();
  heartbeats = 0;

  constructor(private readonly overlay: Overlay, private readonly registry: Registry, private readonly policy: EnrolmentPolicy) {
    overlay.listen(REGISTER_PORT, 'anyone', (stream, from) => this.serve(stream, from.peer));
  }

  /** Tells a connected node its enrolment changed (after `skywire nodes approve` or `remove`). */
  notify(address: string, status: Enrolment): void {
    const r = this.registry.get(address);
    const s = this.streams.get(address);
    if (!r || !s) return;
    s.write(jsonFrame(this.registered(r)));
    if (status === 'removed') s.end();
  }

  /** Sends the newest revocation list to every registered node. */
  broadcastRevocations(bytes: Uint8Array): void {
    for (const s of this.streams.values()) s.write(jsonFrame({ type: 'revocations', revocations: b64(bytes) }));
  }

  private registered(r: NodeRecord): RegisteredMsg {
    const rev = this.policy.revocations();
    const cred = r.enrolment === 'accepted' ? this.policy.credentialFor(r).bytes : undefined;
    return { type: 'registered', status: r.enrolment, ...(r.held ? { held: r.held } : {}), ...(cred ? { credential: b64(cred) } : {}), ...(rev ? { revocations: b64(rev) } : {}) };
  }

  private refuse(stream: Duplex, reason: string): void {
    this.count(reason, 1);
    stream.destroy();
  }

  private count(reason: string, n: number): void {
    if (n > 0) this.refused[reason] = (this.refused[reason] ?? 0) + n;
  }

  private serve(stream: Duplex, peer: string): void {
    let node: NodeRecord | undefined;
    const close = (): void => {
      if (this.streams.get(peer) !== stream) return;
      this.streams.delete(peer);
      this.changed$.next(peer);
    };
    stream.on('error', close);
    stream.on('close', close);
    stream.on('end', () => stream.end());
    readFrames(stream, (bytes) => {
      const msg = parseJsonFrame(bytes) as { type?: unknown } | undefined;
      if (!node) {
        const r = checkRegistration(this.overlay.node.suite, msg, peer);
        if (!r.ok) return this.refuse(stream, r.reason);
        node = this.register(r.body);
        const old = this.streams.get(peer);
        if (old && old !== stream) old.destroy(); // the node restarted; its new stream wins
        this.streams.set(peer, stream);
        stream.write(jsonFrame(this.registered(node)));
        if (node.enrolment === 'removed') stream.end();
        this.changed$.next(peer);
        return;
      }
      if (msg?.type !== 'heartbeat') return this.refuse(stream, 'malformed');
      const hb = msg as { configVersion?: unknown; links?: unknown; routes?: unknown; metrics?: unknown };
      this.heartbeats++;
      node.lastSeenMs = this.overlay.node.clock.wallMs();
      if (Number.isSafeInteger(hb.configVersion)) node.configVersion = hb.configVersion as number;
      const links = apply(node.links, hb.links, isLink, MAX_LINKS_PER_NODE);
      const routes = apply(node.routes, hb.routes, isRoute, MAX_ROUTES_PER_NODE);
      this.count('table-full', links.dropped + routes.dropped);
      if (hb.metrics !== undefined) this.count('bad-metrics', applyMetrics(node.metrics ??= {}, hb.metrics).refused);
      // Also while unknown: a record that came before its origin was admitted arrives later.
      if (links.changed + routes.changed > 0 || node.path === null) node.path = this.overlay.topology.pathTo(node.address);
      this.registry.markDirty();
      this.changed$.next(peer);
      // Renewed past half its life, so a registered node never holds an expired credential.
      const renewal = node.enrolment === 'accepted' ? this.policy.credentialFor(node) : undefined;
      stream.write(jsonFrame(renewal?.renewed ? { type: 'ack', credential: b64(renewal.bytes) } : { type: 'ack' }));
    });
  }

  private makeRoomForPending(): void {
    let count = 0;
    let oldest: NodeRecord | undefined;
    for (const r of Object.values(this.registry.nodes)) {
      if (r.enrolment !== 'pending') continue;
      count++;
      if (!oldest || r.lastSeenMs < oldest.lastSeenMs) oldest = r;
    }
    if (count < MAX_PENDING || !oldest) return;
    this.registry.drop(oldest.address);
    this.streams.get(oldest.address)?.destroy();
    this.count('pending-evicted', 1);
    this.changed$.next(oldest.address);
  }

  private register(b: RegistrationBody): NodeRecord {
    const now = this.overlay.node.clock.wallMs();
    const prev = this.registry.get(b.address);
    const links: Record<string, LinkInfo> = {};
    const routes: Record<string, RouteInfo> = {};
    this.count('table-full', apply(links, { set: b.links, removed: [] }, isLink, MAX_LINKS_PER_NODE).dropped
      + apply(routes, { set: b.routes, removed: [] }, isRoute, MAX_ROUTES_PER_NODE).dropped);
    const metrics: NodeRecord['metrics'] = {};
    if (b.metrics !== undefined) this.count('bad-metrics', applyMetrics(metrics, b.metrics).refused);
    // A removed node stays out until approved again; a name another accepted node holds is not
    // taken over: the newcomer waits for the operator (never silently preferred).
    let enrolment: Enrolment = prev?.enrolment === 'accepted' || prev?.enrolment === 'removed' ? prev.enrolment : this.policy.decide(b.address);
    const holder = this.registry.nameHolder(b.name, b.address);
    let held: string | undefined;
    if (holder && enrolment !== 'removed') {
      enrolment = 'pending';
      held = 'name-taken';
      this.count('name-taken', 1);
    }
    if (!prev && enrolment === 'pending') this.makeRoomForPending();
    const r: NodeRecord = {
      address: b.address, publicKey: b.publicKey, name: b.name, version: b.version,
      enrolment, held, credential: prev?.credential, role: prev?.role,
      firstSeenMs: prev?.firstSeenMs ?? now, lastSeenMs: now,
      links, routes, configVersion: b.configVersion, metrics, tags: prev?.tags,
      path: this.overlay.topology.pathTo(b.address),
      commandSeq: Math.max(prev?.commandSeq ?? 0, b.commandSeq),
    };
    this.registrations++;
    this.registry.put(r);
    this.registered$.next(r);
    return r;
  }
}
