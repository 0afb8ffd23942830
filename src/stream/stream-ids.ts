// Stream ids within one conversation. The opener picks them, and its role in the conversation
// is the top bit, so the two ends never pick the same id. Ids count up from a random start so a
// restarted end does not at once reuse the ids of its previous life.
import type { Random } from '../env/random.ts';
import { INITIATOR_BIT } from './stream-wire.ts';

export class StreamIds {
  private next: number;

  constructor(random: Random, private readonly initiator: boolean) {
    this.next = random.int(1 << 24);
  }

  /** A fresh id for a stream this end opens, skipping any still in use. */
  take(inUse: (id: number) => boolean): number {
    let id: number;
    do id = ((this.next++ & ~INITIATOR_BIT) | (this.initiator ? INITIATOR_BIT : 0)) >>> 0;
    while (inUse(id));
    return id;
  }

  /** The other end opened this stream. */
  peerOpened(id: number): boolean {
    return ((id & INITIATOR_BIT) !== 0) !== this.initiator;
  }
}
