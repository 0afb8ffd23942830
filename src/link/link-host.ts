// What a link actor needs from its node: the environment, the identity, and the shared index
// table. Narrow on purpose, so the actor can be driven by tests without a whole node.
import type { Carrier } from '../env/carrier.ts';
import type { Clock } from '../env/clock.ts';
import type { Random } from '../env/random.ts';
import type { Trace } from '../env/trace.ts';
import type { DropReason } from '../wire/result.ts';
import type { HandshakeCtx } from './handshake.ts';
import type { LinkConfig } from './link-config.ts';
import type { Session } from './session.ts';

export interface IndexEntry {
  link: LinkPeer;
  session?: Session;
}

/** The parts of a link the node's dispatcher calls. */
export interface LinkPeer {
  readonly peer: string;
}

export interface LinkHost {
  readonly name: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly trace: Trace;
  readonly hs: HandshakeCtx;
  readonly config: LinkConfig;
  readonly indexes: Map<number, IndexEntry>;
  countDrop(reason: DropReason): void;
  deliver(peer: string, bytes: Uint8Array): void;
  linkChanged(peer: string, from: string, to: string): void;
  carrierOf(kind: string): Carrier | undefined;
}

export const allocateIndex = (host: LinkHost, entry: IndexEntry): number => {
  for (;;) {
    const i = host.random.int(0x1_0000_0000);
    if (i !== 0 && !host.indexes.has(i)) {
      host.indexes.set(i, entry);
      return i;
    }
  }
};
