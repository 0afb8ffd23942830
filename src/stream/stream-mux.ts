// One conversation's streams as Node Duplexes: dial(port), listeners by port, datagrams. The
// sans-IO work is in Conversation; this only wraps each stream core in a SkyStream.
import type { Clock } from '../env/clock.ts';
import type { Random } from '../env/random.ts';
import { Conversation } from './conversation.ts';
import type { StreamConfig } from './stream-config.ts';
import { SkyStream } from './stream-duplex.ts';
import type { StreamErrorCode } from './stream-error.ts';

export type StreamHandler = (stream: SkyStream) => void;

export interface StreamMuxOptions {
  clock: Clock;
  random: Random;
  /** Largest datagram the conversation carries now. */
  mtu: number;
  /** This end set the conversation up. */
  initiator: boolean;
  send(bytes: Uint8Array): void;
  /** Who takes streams dialed to `port` here; undefined refuses them. */
  listener(port: number): StreamHandler | undefined;
  onDatagram?(d: { srcPort: number; dstPort: number; bytes: Uint8Array }): void;
  config?: Partial<StreamConfig>;
}

export class StreamMux {
  readonly conversation: Conversation;

  constructor(o: StreamMuxOptions) {
    this.conversation = new Conversation({
      clock: o.clock,
      random: o.random,
      mtu: o.mtu,
      initiator: o.initiator,
      send: o.send,
      accept: (port) => {
        const handler = o.listener(port);
        return handler && ((core) => handler(new SkyStream(core)));
      },
      onDatagram: o.onDatagram,
      config: o.config,
    });
  }

  /** A stream to `port` at the other end; 'connect' when accepted, or an error with a code. */
  dial(port: number): SkyStream {
    let stream: SkyStream | undefined;
    this.conversation.dial(port, (core) => (stream = new SkyStream(core)));
    return stream!;
  }

  receive(bytes: Uint8Array): void {
    this.conversation.receive(bytes);
  }

  setMtu(mtu: number): void {
    this.conversation.setMtu(mtu);
  }

  /** One unreliable datagram from `srcPort` to `dstPort`; false when it exceeds the mtu. */
  sendDatagram(srcPort: number, dstPort: number, bytes: Uint8Array): boolean {
    return this.conversation.sendDatagram(srcPort, dstPort, bytes);
  }

  /** Resets every stream and stops. */
  close(): void {
    this.conversation.close();
  }

  /** The conversation cannot carry traffic (no route): every stream errors with `code`. */
  fail(code: StreamErrorCode): void {
    this.conversation.fail(code);
  }
}
