// A source's route to one destination: finds a path, sends the setup (retransmitted until the
// ack), keeps the route alive and repairs it around breaks. Data never passes through XState;
// the machine sees only lifecycle events.
import { BrokenReason } from '../src/route/relay.ts';
import { createActor, type Actor } from 'xstate';
import { BehaviorSubject } from 'rxjs';
import { routeMachine, type RouteState } from '../machines/route.ts';
import { parseAddress } from '../src/identity/address.ts';
import { open } from '../src/link/aead.ts';
import type { RouterCtx } from '../src/route/router-ctx.ts';
import { Conversation } from '../src/route/conversation.ts';
import type { EndHandler } from '../src/route/route-table.ts';
import { RouteAttempt, buildAttempt } from '../src/route/route-attempt.ts';
import { SetupNonce } from '../src/route/setup-onion.ts';
import { e2eFinish } from '../src/route/e2e-handshake.ts';
import { AvoidSet } from '../src/route/avoid-set.ts';

export class RouteActor implements EndHandler {
  readonly state$ = new BehaviorSubject<RouteState>('resolving');
  readonly conv: Conversation;
  readonly avoid: AvoidSet;
  private lastSearch = -Infinity;
  attempt: RouteAttempt | undefined;
  /** Why the route failed when it is not plain unreachability. */
  private failCode: 'forbidden' | undefined;
  /** When the route last broke, to measure repair time. */
  private brokenAt: number | undefined;
  private readonly actor: Actor<typeof routeMachine>;
  private searchingSince: number;
  private lastTimestamp = 0;
  private searchLimitMs: number;
  readonly destBytes: Uint8Array;

  constructor(private readonly ctx: RouterCtx, readonly dest: string, convId: string) {
    this.destBytes = parseAddress(dest, 'destination');
    this.conv = new Conversation(ctx.layer, dest, convId, true);
    this.avoid = new AvoidSet(ctx.config.avoidMs, ctx.paths);
    const clock = ctx.layer.clock;
    this.searchingSince = clock.now();
    this.searchLimitMs = ctx.config.resolveTimeoutMs;
    const logic = routeMachine.provide({
      guards: {
        searchExpired: () => clock.now() - this.searchingSince >= this.searchLimitMs,
        attemptsExhausted: ({ context }) => context.attempts >= ctx.config.setupAttempts,
        silent: () => clock.now() - this.conv.lastRx > 3.5 * ctx.config.keepaliveMs,
      },
      actions: {
        findPath: () => this.findPath(),
        sendSetup: ({ context }) => this.sendSetup(context.attempts),
        keepalive: () => this.keepalive(),
        established: () => this.onEstablished(),
        failed: () => this.onEnd(this.failCode ?? 'unreachable'),
        closed: () => this.onEnd(undefined),
        avoidFirstHop: () => this.attempt && this.avoid.add(ctx.layer.address, this.attempt.path[1]!, clock.now()),
        startSearch: () => {
          this.searchingSince = clock.now();
          this.searchLimitMs = ctx.config.repairTimeoutMs;
          this.brokenAt ??= clock.now();
          this.dropAttempt();
        },
      },
      delays: {
        pathRetry: 500,
        setupRetry: ({ context }) => Math.min(8000, Math.max(ctx.config.setupRetryMinMs, ctx.config.setupRetryRtts * (this.attempt?.rttEstimate ?? 100)) * 2 ** Math.max(0, context.attempts - 1)),
        keepalive: ctx.config.keepaliveMs,
      },
    });
    let inspected: string = 'resolving';
    this.actor = createActor(logic, {
      clock, input: { now: clock.now() },
      inspect: (ev) => {
        if (ev.type !== '@xstate.snapshot' || ev.actorRef !== this.actor) return;
        const v = (ev.snapshot as { value?: unknown }).value;
        const to = typeof v === 'string' ? v : Object.keys(v as object)[0]!;
        if (to === inspected) return;
        ctx.transitions$.next({ t: clock.now(), dest: this.dest, from: inspected, to, event: ev.event.type });
        inspected = to;
      },
    });
    this.actor.subscribe((snap) => {
      const to = (typeof snap.value === 'string' ? snap.value : Object.keys(snap.value)[0]) as RouteState;
      const from = this.state$.value;
      if (to === from) return;
      this.state$.next(to);
      ctx.trace('route.state', { dest: this.dest, from, to });
    });
  }

  get state(): RouteState {
    return this.state$.value;
  }

  get repairs(): number {
    return this.actor.getSnapshot().context.repairs;
  }

  start(): void {
    this.actor.start();
  }

  close(): void {
    this.actor.send({ type: 'ROUTE.CLOSE' });
  }

  /** The topology changed: a route still looking for a path looks now, not at its next poll. */
  topologyChanged(): void {
    const s = this.state;
    if (s !== 'resolving' && (s !== 'repairing' || this.attempt)) return;
    // While a large database floods in, changes come in bursts: one search per 50 ms is enough
    // (each is a Dijkstra over the whole graph), and the 500 ms poll catches the tail.
    const now = this.ctx.layer.clock.now();
    if (now - this.lastSearch < 50) return;
    this.findPath();
  }

  private findPath(): void {
    const now = this.ctx.layer.clock.now();
    this.lastSearch = now;
    const path = this.ctx.paths.pathTo(this.dest, this.avoid.edges(now));
    if (!path) return this.ctx.paths.request?.(this.dest);
    // Strictly increasing, even within one millisecond: the destination rejects older ones.
    this.lastTimestamp = Math.max(this.ctx.layer.clock.wallMs(), this.lastTimestamp + 1);
    const attempt = buildAttempt(this.ctx, path, this.destBytes, this.conv.convId, this, this.lastTimestamp);
    if (!attempt) return;
    this.dropAttempt();
    this.attempt = attempt;
    this.actor.send({ type: 'ROUTE.PATH' });
  }

  private sendSetup(n: number): void {
    const a = this.attempt;
    if (!a) return;
    if (n === 1) a.sentAt = this.ctx.layer.clock.now();
    if (!this.ctx.layer.sendTo(a.path[1]!, a.setup)) this.ctx.layer.countDrop('route-no-link');
  }

  private dropAttempt(): void {
    if (!this.attempt) return;
    this.ctx.table.remove(this.attempt.myId);
    this.conv.unbind();
    this.attempt = undefined;
  }

  onAck(senderId: number, sealed: Uint8Array, pathMtu: number): void {
    const a = this.attempt;
    if (!a || this.state !== 'setting-up') return;
    const resp = open(a.destKeys.e2e, SetupNonce.E2eAck, new Uint8Array(0), sealed);
    if (!resp) return this.ctx.layer.countDrop('route-bad-ack');
    const keys = e2eFinish({ suite: this.ctx.layer.suite, identity: this.ctx.layer.identity }, a.e2e, resp);
    if (!keys.ok) return this.ctx.layer.countDrop(`route-ack-${keys.reason}`);
    // The destination's credential: learnt here so its streams back to us pass the access check.
    if (!this.ctx.gate.accept(this.dest, keys.value.credential)) return this.ctx.layer.countDrop('route-ack-not-member');
    a.entry.remoteId = senderId;
    this.ctx.table.changed();
    this.conv.bind(keys.value, { peer: a.path[1]!, remoteId: senderId }, pathMtu);
    this.actor.send({ type: 'ROUTE.ACKED' });
  }

  private onEstablished(): void {
    const a = this.attempt!;
    const now = this.ctx.layer.clock.now();
    this.ctx.trace('route.established', { dest: this.dest, hops: a.path.length - 1, setupMs: now - a.sentAt, path: a.path, repairMs: this.brokenAt === undefined ? null : now - this.brokenAt });
    this.brokenAt = undefined;
  }

  onData(body: Uint8Array): void {
    this.conv.receive(body);
  }

  onDirect(linkPeer: string, plain: Uint8Array): void {
    this.conv.receiveDirect(linkPeer, plain);
  }

  onBroken(sealed: Uint8Array): void {
    const a = this.attempt;
    if (!a) return;
    // Only the reporting hop's key opens the notice: that names the broken link for us.
    let reason: Uint8Array | null = null;
    const i = a.hopKeys.findIndex((k) => (reason = open(k.hop, SetupNonce.Broken, new Uint8Array(0), sealed)) !== null);
    if (i < 0) return this.ctx.layer.countDrop('route-bad-broken');
    if (reason![0] === BrokenReason.NotMember) {
      this.failCode = 'forbidden';
      return void this.actor.send({ type: 'ROUTE.REFUSED' });
    }
    // A hop that restarted (Lost) is up again: repair, but do not steer around its link.
    this.broken(reason![0] === BrokenReason.Lost ? undefined : [a.path[i + 1]!, a.path[i + 2] ?? a.path[i + 1]!]);
  }

  /** Our own link to the first hop went down (avoid it), or the first hop forgot the route. */
  firstHopDown(avoidLink = true): void {
    const a = this.attempt;
    if (!a) return;
    this.broken(avoidLink ? [this.ctx.layer.address, a.path[1]!] : undefined);
  }

  private broken(link: [string, string] | undefined): void {
    const now = this.ctx.layer.clock.now();
    if (link) this.avoid.add(link[0], link[1], now);
    this.brokenAt = now;
    this.actor.send({ type: 'ROUTE.BROKEN' });
  }

  /** The destination closed the conversation. */
  onClose(): void {
    this.conv.upper?.fail('reset');
    this.actor.send({ type: 'ROUTE.CLOSE' });
  }

  /** An end-to-end echo, not a bare keepalive: the answer is what keeps `silent` false while
   *  the conversation is idle, and refreshes every relay's entry in both directions. */
  private keepalive(): void {
    const now = this.ctx.layer.clock.now();
    if (now - this.conv.lastTx >= this.ctx.config.keepaliveMs / 2 || now - this.conv.lastRx >= this.ctx.config.keepaliveMs) this.conv.ping(0);
  }

  private onEnd(code: 'unreachable' | 'forbidden' | undefined): void {
    this.dropAttempt();
    if (code) this.conv.upper?.fail(code);
    this.state$.complete();
  }

  stop(): void {
    this.actor.stop();
    this.dropAttempt();
  }
}
