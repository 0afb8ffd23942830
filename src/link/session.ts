// One set of transport keys between two nodes. Counters start at 0 and never repeat under a
// key; the node rekeys long before REJECT_AFTER_PACKETS, and refuses to send past it.
import { TRANSPORT_HEADER_BYTES, TAG_BYTES } from '../wire/constants.ts';
import { encodeTransportHeader } from '../wire/transport.ts';
import { aead, writeNonce } from './aead.ts';
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
  // One nonce buffer per direction: no allocation per packet.
  private readonly sendNonce = new Uint8Array(12);
  private readonly recvNonce = new Uint8Array(12);

  constructor(keys: SessionKeys, createdAt: number) {
    this.keys = keys;
    this.createdAt = createdAt;
    this.confirmed = keys.initiator;
  }

  get sent(): number {
    return this.sendCounter;
  }

  seal(plaintext: Uint8Array): Uint8Array | null {
    const out = new Uint8Array(TRANSPORT_HEADER_BYTES + plaintext.length + TAG_BYTES);
    out.set(plaintext, TRANSPORT_HEADER_BYTES);
    return this.sealPacket(out, TRANSPORT_HEADER_BYTES, TRANSPORT_HEADER_BYTES + plaintext.length) ? out : null;
  }

  /**
   * Seals buf[start, end) in place: the transport header goes into the 14 bytes before `start`,
   * the tag into the 16 after `end` (the caller left that room). The packet is then
   * buf[start - 14, end + 16). False past the key's last counter.
   */
  sealPacket(buf: Uint8Array, start: number, end: number): boolean {
    if (this.sendCounter >= REJECT_AFTER_PACKETS) return false;
    const counter = this.sendCounter++;
    const h = buf.subarray(start - TRANSPORT_HEADER_BYTES, start);
    encodeTransportHeader(h, this.keys.remoteIndex, counter);
    aead.sealInPlace(this.keys.sendKey, writeNonce(this.sendNonce, counter), h, buf, start, end);
    this.packetsSent++;
    return true;
  }

  /** Opens a transport packet already matched to this session by its receiver index, in place:
   *  the plaintext returned is a view into `packet` (which the caller owns, and which is
   *  garbage after a failed tag). */
  open(packet: Uint8Array, counter: number): Uint8Array | 'bad-tag' | 'replay' {
    if (!this.window.check(counter)) return 'replay';
    const end = packet.length - TAG_BYTES;
    if (!aead.openInPlace(this.keys.recvKey, writeNonce(this.recvNonce, counter), packet.subarray(0, TRANSPORT_HEADER_BYTES), packet, TRANSPORT_HEADER_BYTES, end)) return 'bad-tag';
    this.window.commit(counter);
    this.packetsReceived++;
    this.confirmed = true;
    return packet.subarray(TRANSPORT_HEADER_BYTES, end);
  }
}
