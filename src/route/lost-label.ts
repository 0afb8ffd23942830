// Labels a neighbour no longer holds. A node that restarted keeps receiving data on route IDs
// it allocated before; it answers with Lost (once per label and sweep period, so a stream of
// data costs one reply), and the neighbour that sent it finds the one entry pointing at that
// label and breaks that route as if the link had gone down for it. Without this the source
// would only notice after 3.5 keepalive periods of silence.
import type { LinkLayer } from '../overlay/link-layer.ts';
import type { RouteEntry, RouteTable } from './route-table.ts';
import { encodeLost } from './route-wire.ts';

const MAX_REMEMBERED = 4096;

export class LostLabels {
  private readonly sent = new Set<string>();

  constructor(private readonly layer: LinkLayer) {}

  /** Data arrived from `from` on `id`, which we do not hold. */
  unknownData(from: string, id: number): void {
    const key = `${from}|${id}`;
    if (this.sent.has(key) || this.sent.size >= MAX_REMEMBERED) return;
    this.sent.add(key);
    this.layer.sendTo(from, encodeLost(id));
  }

  /** Called on every sweep: a label still used after that is answered again. */
  clear(): void {
    this.sent.clear();
  }
}

/** Our entry whose link to `from` uses `from`'s label `id`, if any. */
export const entryForLost = (table: RouteTable, from: string, id: number): RouteEntry | undefined =>
  table.using(from).find((x) => (x.kind === 'end'
    ? x.peer === from && x.remoteId === id
    : (x.nextPeer === from && x.nextId === id) || (x.prevPeer === from && x.prevId === id)));
