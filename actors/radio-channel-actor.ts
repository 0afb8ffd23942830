// Binds the radio machine to a transmit queue, the airtime budgets, carrier sense and the port.
// Every frame a radio carrier sends passes through here, so the queue order (user messages
// before control), the duty cycle and the 2 % control share are decided in one place, and a
// KISS TNC is fed at most one frame per computed airtime instead of a FIFO we cannot reorder.
import { createActor, type Actor } from 'xstate';
import type { Clock } from '../src/env/clock.ts';
import type { Random } from '../src/env/random.ts';
import { radioMachine, type RadioState } from '../machines/radio.ts';
import { AirtimeBucket } from '../src/radio/airtime-bucket.ts';
import { airtimeMs } from '../src/radio/radio-params.ts';
import { TxClass, TxQueue, type TxClassValue, type TxFrame } from '../src/radio/tx-queue.ts';
import type { ChannelOptions, ChannelCounters, RadioPort } from '../src/radio/channel-types.ts';

/** How long a cold station's first ID may wait behind its messages. */
const ID_DEFER_MAX_MS = 60_000;
/** How long a channel in turn-taking mode keeps its own link setup back after it opens. */
const LISTEN_FIRST_MS = 1_000;

export class RadioChannelActor {
  readonly counters: ChannelCounters = { framesOut: 0, airtimeMs: 0, userMs: 0, controlMs: 0, idMs: 0, dropped: 0, idFrames: 0, stale: 0, setupMs: 0 };
  private readonly queue: TxQueue;
  private readonly duty: AirtimeBucket;
  private readonly control: AirtimeBucket;
  private readonly actor: Actor<typeof radioMachine>;
  private readonly startedAt: number;
  private lastAirtime = 0;
  private lastIdAt: number | undefined;
  private idDeferredSince: number | undefined;
  /** Until then setup and control frames wait: the other side's turn (ChannelOptions.turnTaking). */
  private quietUntil = 0;

  constructor(private readonly clock: Clock, private readonly random: Random, private readonly port: RadioPort, private readonly o: ChannelOptions) {
    const now = clock.now();
    this.startedAt = now;
    this.queue = new TxQueue(o.queuePerClass ?? 64);
    const biggest = this.cost(o.maxFrameBytes);
    // The duty budget holds ten minutes' worth, so a burst of messages passes; never less than
    // one frame, or a slow radio could never send one. The control budget holds two minutes'
    // worth and refills at 80 % of its share: over any ten minutes that is at most 8 minutes'
    // worth plus the full bucket, the share itself (at 90 % a relay 22 min after its restart
    // measured 2.02 % from boot in scenarios/sms-radio-3hop.yaml).
    this.duty = new AirtimeBucket(o.dutyCycle, Math.max(biggest, o.dutyCycle * 600_000), now);
    this.control = new AirtimeBucket(o.controlShare * 0.8, Math.max(biggest, o.controlShare * 120_000), now);
    // Listen first, for a second: two stations powered on together do not key up at once (each
    // deaf to the other, their first frames collided), and a neighbour's message sent at once
    // is on air before our hello reaches the TNC. Jittered so two idle stations do not dial in
    // step. Longer is worse: a window of the longest frame's airtime and a second gave one real
    // hop its receipt 1.1 s sooner, but on a 3-hop chain it moved every relay's link setup into
    // the message's path (simulator receipts 19.7 -> 22.2 s, at 5 % loss 21.7 -> 24.6 s).
    if (o.turnTaking) this.quietUntil = now + LISTEN_FIRST_MS + Math.round(o.slotMs * 2 * random.float());
    const logic = radioMachine.provide({
      guards: {
        empty: () => this.queue.length === 0,
        blocked: () => this.next() === undefined,
        mayTransmit: () => !port.busy() && random.float() < o.persistence,
        yields: () => o.persistence < 1,
      },
      actions: { startTx: () => this.startTx() },
      delays: {
        slot: ({ context }) => (context.slots === 0 ? 0 : Math.round(o.slotMs * (0.5 + random.float()))),
        airtime: () => this.lastAirtime,
        hold: () => Math.max(1, this.holdMs()),
      },
    });
    this.actor = createActor(logic, { clock });
    this.actor.start();
  }

  get state(): RadioState {
    return this.actor.getSnapshot().value as RadioState;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Share of elapsed time spent sending control frames (the 2 % rule), 0..1. */
  controlShare(): number {
    const elapsed = this.clock.now() - this.startedAt;
    return elapsed > 0 ? this.counters.controlMs / elapsed : 0;
  }

  enqueue(bytes: Uint8Array, cls: TxClassValue, turn = false): void {
    if (this.state === 'stopped') return;
    const before = this.queue.dropped;
    this.queue.push({ cls, bytes, queuedAt: this.clock.now(), turn });
    this.counters.dropped += this.queue.dropped - before;
    this.actor.send({ type: 'RADIO.QUEUED' });
  }

  /** A frame for us came in: whatever we were waiting to hear has been said. */
  heard(): void {
    const waiting = this.clock.now() < this.quietUntil;
    this.quietUntil = 0;
    if (waiting && this.state !== 'stopped') this.actor.send({ type: 'RADIO.HEARD' });
  }

  stop(): void {
    this.actor.send({ type: 'RADIO.STOP' });
    this.actor.stop();
    this.queue.clear();
  }

  private cost(bytes: number): number {
    return airtimeMs(bytes, this.o.bitrate, this.o.txDelayMs, this.o.txTailMs);
  }

  /** The frame to send now, or undefined when every queued frame waits for a budget. */
  private next(): TxFrame | undefined {
    const now = this.clock.now();
    this.dropStale(now);
    const quiet = now < this.quietUntil;
    return this.queue.peek((f) => {
      if (quiet && (f.cls === TxClass.Setup || f.cls === TxClass.Control)) return false;
      const c = this.cost(f.bytes.length);
      if (this.duty.waitMs(c, now) > 0) return false;
      return f.cls !== TxClass.Control || this.control.waitMs(c, now) === 0;
    });
  }

  private holdMs(): number {
    const now = this.clock.now();
    let wait = Infinity;
    for (const cls of [TxClass.Id, TxClass.Answer, TxClass.User, TxClass.Setup, TxClass.Control] as const) {
      const head = this.queue.peek((f) => f.cls === cls);
      if (!head) continue;
      const c = this.cost(head.bytes.length);
      const quiet = cls === TxClass.Setup || cls === TxClass.Control ? this.quietUntil - now : 0;
      const w = Math.max(this.duty.waitMs(c, now), cls === TxClass.Control ? this.control.waitMs(c, now) : 0, quiet);
      wait = Math.min(wait, w);
    }
    return Number.isFinite(wait) ? wait : this.o.slotMs;
  }

  private startTx(): void {
    const now = this.clock.now();
    // The first transmission of a cold station may be a waiting message (or an answer) rather
    // than the ID: its AX.25 source is the callsign already, and FCC 97.119 asks for the ID at
    // the end of a communication and every 10 minutes, not before it. The ID follows at once.
    // On a cold 3-hop chain the ID first cost each station its 0.6 s and a turn of the channel.
    // The ID waits while such frames do (it goes at the end of the exchange, as the rule asks),
    // for at most a minute.
    this.idDeferredSince ??= now;
    const urgent = this.lastIdAt === undefined && now - this.idDeferredSince < ID_DEFER_MAX_MS && this.queue.peek((f) => f.cls === TxClass.User || f.cls === TxClass.Answer) !== undefined;
    if (!urgent) this.maybeIdentify(now);
    const f = this.next();
    if (!f) { this.lastAirtime = 0; return; }
    this.queue.remove(f);
    const ms = this.cost(f.bytes.length);
    this.duty.spend(ms, now);
    if (f.cls === TxClass.Control) this.control.spend(ms, now);
    this.counters.framesOut++;
    this.counters.airtimeMs += ms;
    if (f.cls === TxClass.Control) this.counters.controlMs += ms;
    else if (f.cls === TxClass.User) this.counters.userMs += ms;
    else if (f.cls === TxClass.Setup || f.cls === TxClass.Answer) this.counters.setupMs += ms;
    else { this.counters.idMs += ms; this.counters.idFrames++; }
    this.lastAirtime = ms;
    // After a message to a cold neighbour, its turn: its answer (the receipt, the custody ack)
    // should not wait in its TNC behind our hello. Only then: on a busy shared channel a quiet
    // spell after every user frame would hold link upkeep back for nothing (the 20-node mesh
    // delivers 48 of 50 with this on its seed; seeds 1-4 spread over 45-50 with or without it).
    if (f.turn && this.o.turnTaking) this.quietUntil = Math.max(this.quietUntil, now + ms + this.o.turnTaking.replyMs);
    this.port.transmit(f.bytes, ms);
  }

  private dropStale(now: number): void {
    const max = this.o.controlMaxAgeMs;
    if (max === undefined) return;
    for (;;) {
      const old = this.queue.peek((f) => (f.cls === TxClass.Control || f.cls === TxClass.Setup) && now - f.queuedAt > max);
      if (!old) return;
      this.queue.remove(old);
      this.counters.stale++;
    }
  }

  /** FCC 97.119: identify at least every 10 minutes while transmitting; the ID goes first,
   *  except behind a cold station's first urgent frame (startTx). */
  private maybeIdentify(now: number): void {
    const id = this.o.identify;
    if (!id || this.queue.lengthOf(TxClass.Id) > 0) return;
    if (this.lastIdAt !== undefined && now - this.lastIdAt < id.everyMs) return;
    this.lastIdAt = now;
    this.queue.push({ cls: TxClass.Id, bytes: id.frame(), queuedAt: now });
  }
}
