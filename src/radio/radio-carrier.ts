// A Carrier on a shared radio channel. Below it, a FrameIo moves whole AX.25 frames (a KISS TNC
// on a serial port, or the simulator's medium); above it, links see datagrams addressed by
// station. Every send is wrapped in an AX.25 UI frame and queued in the radio channel actor,
// which decides when it goes on air. Frames for other stations, our own echo, and identification
// frames are dropped and counted.
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { Carrier, Datagram, SendHint } from '../env/carrier.ts';
import type { Clock } from '../env/clock.ts';
import type { Random } from '../env/random.ts';
import type { LinkConfig } from '../link/link-config.ts';
import { RadioChannelActor } from '../../actors/radio-channel-actor.ts';
import { AX25, decodeUi, encodeUi, parseStation, sameStation, stationText, type Station } from './ax25.ts';
import type { ChannelOptions, RadioPort } from './channel-types.ts';
import { mtuFor, radioLinkTimers, replyWindowMs } from './radio-params.ts';
import { BROADCAST, ID_DEST } from './station.ts';
import { TxClass } from './tx-queue.ts';
import { SIGNED_OVERHEAD } from './signed-wire.ts';
import { TRANSPORT_OVERHEAD } from '../wire/constants.ts';

export interface FrameIo extends RadioPort {
  readonly frames$: Observable<Uint8Array>;
  close(): Promise<void>;
}

export interface RadioCarrierInit {
  kind: string;
  station: Station;
  amateur: boolean;
  io: FrameIo;
  clock: Clock;
  random: Random;
  channel: Omit<ChannelOptions, 'maxFrameBytes' | 'identify'>;
  /** FCC 97.119: 10 minutes; tests shorten it. */
  idEveryMs?: number;
}

export interface RadioCarrierStats { rx: number; sendErrors: number; drops: Record<string, number> }

/** Amateur link overhead minus the AEAD link's (negative: the amateur header is smaller). */
const SIGNED_EXTRA = SIGNED_OVERHEAD + 1 - (TRANSPORT_OVERHEAD + 1);

export class RadioCarrier implements Carrier {
  readonly kind: string;
  readonly local: string;
  readonly mtu: number;
  readonly bitrate: number;
  readonly linkMode: 'signed' | undefined;
  readonly linkTimers: Partial<LinkConfig>;
  readonly received$: Observable<Datagram>;
  readonly channel: RadioChannelActor;
  readonly stats: RadioCarrierStats = { rx: 0, sendErrors: 0, drops: {} };
  private readonly subject = new Subject<Datagram>();
  private readonly sub: Subscription;
  private readonly infoMax: number;

  constructor(private readonly init: RadioCarrierInit) {
    this.kind = init.kind;
    this.local = stationText(init.station);
    this.bitrate = init.channel.bitrate;
    this.infoMax = mtuFor(this.bitrate);
    // Layers above size payloads by the AEAD overhead; never report more than the frame holds.
    this.mtu = init.amateur ? Math.min(this.infoMax, this.infoMax - SIGNED_EXTRA) : this.infoMax;
    this.linkMode = init.amateur ? 'signed' : undefined;
    this.linkTimers = radioLinkTimers(this.bitrate, init.channel.txDelayMs + init.channel.txTailMs);
    this.received$ = this.subject.asObservable();
    const idText = new TextEncoder().encode(`DE ${this.local} skywire`);
    this.channel = new RadioChannelActor(init.clock, init.random, init.io, {
      controlMaxAgeMs: this.linkTimers.handshakeRetryMs,
      ...init.channel,
      maxFrameBytes: this.infoMax + AX25.HEADER,
      turnTaking: init.amateur ? { replyMs: replyWindowMs(this.bitrate, init.channel.txDelayMs + init.channel.txTailMs) } : undefined,
      identify: init.amateur
        ? { everyMs: init.idEveryMs ?? 600_000, frame: () => encodeUi({ dest: ID_DEST, src: init.station, info: idText }) }
        : undefined,
    });
    this.sub = init.io.frames$.subscribe((f) => this.onFrame(f));
  }

  send(to: string, bytes: Uint8Array, hint?: SendHint): void {
    if (bytes.length > this.infoMax) return this.fail('too-big');
    let dest: Station;
    try {
      dest = to === '*' ? BROADCAST : parseStation(to);
    } catch {
      return this.fail('bad-endpoint');
    }
    const frame = encodeUi({ dest, src: this.init.station, info: bytes });
    // No hint: a handshake message (the link layer hints everything else).
    this.channel.enqueue(frame, hint === 'user' || hint === 'solo' ? TxClass.User : hint === 'control' ? TxClass.Control : hint === 'answer' ? TxClass.Answer : TxClass.Setup, hint === 'solo');
  }

  async close(): Promise<void> {
    this.sub.unsubscribe();
    this.channel.stop();
    this.subject.complete();
    await this.init.io.close();
  }

  private onFrame(bytes: Uint8Array): void {
    const ui = decodeUi(bytes);
    if (!ui.ok) return this.count(ui.reason);
    const f = ui.value;
    if (sameStation(f.src, this.init.station)) return this.count('own-echo');
    if (sameStation(f.dest, ID_DEST)) return this.count('station-id');
    if (!sameStation(f.dest, this.init.station) && !sameStation(f.dest, BROADCAST)) return this.count('not-for-us');
    this.stats.rx++;
    this.channel.heard();
    this.subject.next({ from: stationText(f.src), bytes: f.info.slice() });
  }

  private fail(reason: string): void {
    this.stats.sendErrors++;
    this.count(reason);
  }

  private count(reason: string): void {
    this.stats.drops[reason] = (this.stats.drops[reason] ?? 0) + 1;
  }
}
