// What a conversation needs from the layer below and above it, and the mtu it accepts.
import type { Clock } from '../env/clock.ts';
import type { Random } from '../env/random.ts';
import { fail } from '../errors.ts';
import type { Datagram } from './datagram.ts';
import type { StreamConfig } from './stream-config.ts';
import type { StreamCore } from './stream-core.ts';
import { MIN_MTU } from './stream-wire.ts';

export interface ConversationDeps {
  clock: Clock;
  random: Random;
  /** Largest datagram the pipe takes now. */
  mtu: number;
  /** This end set the conversation up (decides the top bit of the stream ids it opens). */
  initiator: boolean;
  /** Every message is made by packetFor (src/wire/packet.ts) and given away: the layers below
   *  may write their headers around it and seal it in place. */
  send(bytes: Uint8Array): void;
  /** A SYN arrived for `port`: what takes the new stream, or undefined to refuse it. */
  accept(port: number): ((core: StreamCore) => void) | undefined;
  onDatagram?(d: Datagram): void;
  config?: Partial<StreamConfig>;
}

export const checkMtu = (mtu: number): number =>
  Number.isInteger(mtu) && mtu >= MIN_MTU ? mtu : fail('INTERNAL', `stream mtu ${mtu} is below ${MIN_MTU} bytes or not an integer`);
