// One set of transport keys between two nodes. Counters start at 0 and never repeat under a
// key; the node rekeys long before REJECT_AFTER_PACKETS, and refuses to send past it.
import { TRANSPORT_HEADER_BYTES, TAG_BYTES } from '../wire/constants.ts';
import { encodeTransportHeader } from '../wire/transport.ts';
import { nonceFor, open, sealInto } from './aead.ts';
import { ReplayWindow } from './replay-window.ts';
import type { SessionKeys } from './handshake.ts';

export const REJECT_AFTER_PACKETS = 2 ** 48;

export class Session {
  readonly keys: SessionKeys;
  readonly createdAt: number;
  private sendCounter = 0;
  private readonly window = new ReplayWindow();
  /** A responder's session is confirmed by the first packet the initiator seals with it. */
  confirmed: boolean;
  packetsSent = 0;
  packetsReceived = 0;

  constructor(keys: SessionKeys, createdAt: number) {
    this.keys = keys;
    this.createdAt = createdAt;
    this.confirmed = keys.initiator;
  }

  get sent(): number {
    return this.sendCounter;
  }

  seal(plaintext: Uint8Array): Uint8Array | null {
    if (this.sendCounter >= REJECT_AFTER_PACKETS) return null;
    const counter = this.sendCounter++;
    const out = new Uint8Array(TRANSPORT_HEADER_BYTES + plaintext.length + TAG_BYTES);
    encodeTransportHeader(out, this.keys.remoteIndex, counter);
    sealInto(this.keys.sendKey, nonceFor(counter), out.subarray(0, TRANSPORT_HEADER_BYTES), plaintext, out, TRANSPORT_HEADER_BYTES);
    this.packetsSent++;
    return out;
  }

  /** Opens a transport packet already matched to this session by its receiver index. */
  open(packet: Uint8Array, counter: number): Uint8Array | 'bad-tag' | 'replay' {
    if (!this.window.check(counter)) return 'replay';
    const plain = open(this.keys.recvKey, nonceFor(counter), packet.subarray(0, TRANSPORT_HEADER_BYTES), packet.subarray(TRANSPORT_HEADER_BYTES));
    if (!plain) return 'bad-tag';
    this.window.commit(counter);
    this.packetsReceived++;
    this.confirmed = true;
    return plain;
  }
}
