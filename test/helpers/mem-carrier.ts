// In-memory carriers for link tests: a MemNet joins named endpoints; each endpoint is a Carrier
// whose received$ is an rxjs Subject. Delivery is never synchronous inside send() (a node's
// dispatch must not re-enter another node's dispatch): a datagram arrives `latencyMs` later on
// the net's clock (a MemClock in tests, so advancing it is the pump). FIFO per latency.
import { Subject } from 'rxjs';
import type { Carrier, Datagram } from '../../src/env/carrier.ts';
import type { Clock } from '../../src/env/clock.ts';

/** Sees every datagram sent; return false to lose it, or replacement bytes to alter it. */
export type SendTap = (from: string, to: string, bytes: Uint8Array) => boolean | Uint8Array | void;

export interface MemCarrier extends Carrier {
  readonly received$: Subject<Datagram>;
  /** Datagrams this carrier sent (including ones lost on the way). */
  sent: number;
  /** Feeds a datagram straight into this carrier's receive stream, now, as if from `from`. */
  inject(from: string, bytes: Uint8Array): void;
  readonly closed: boolean;
}

export interface MemNetOptions {
  clock: Clock;
  latencyMs?: number;
  mtu?: number;
}

interface InFlight { from: string; to: string; bytes: Uint8Array }

export class MemNet {
  private readonly nodes = new Map<string, MemCarrier>();
  readonly taps: SendTap[] = [];
  /** Datagrams sent to an endpoint nobody listens on (or a closed one). */
  undeliverable = 0;
  delivered = 0;

  constructor(private readonly opts: MemNetOptions) {}

  carrier(local: string): MemCarrier {
    if (this.nodes.get(local) && !this.nodes.get(local)!.closed) throw new Error(`endpoint ${local} is in use`);
    const received$ = new Subject<Datagram>();
    let closed = false;
    const c: MemCarrier = {
      kind: 'mem',
      local,
      mtu: this.opts.mtu ?? 1452,
      bitrate: undefined,
      received$,
      sent: 0,
      get closed() { return closed; },
      send: (to, bytes) => {
        c.sent++;
        if (closed) return;
        this.route(local, to, bytes.slice());
      },
      inject: (from, bytes) => {
        if (!closed) received$.next({ from, bytes });
      },
      close: async () => {
        closed = true;
        received$.complete();
      },
    };
    this.nodes.set(local, c);
    return c;
  }

  private route(from: string, to: string, bytes: Uint8Array): void {
    let b = bytes;
    for (const tap of this.taps) {
      const r = tap(from, to, b);
      if (r === false) return;
      if (r instanceof Uint8Array) b = r;
    }
    const q = { from, to, bytes: b };
    this.opts.clock.setTimeout(() => this.arrive(q), this.opts.latencyMs ?? 0);
  }

  private arrive(q: InFlight): void {
    const dst = this.nodes.get(q.to);
    if (!dst || dst.closed) {
      this.undeliverable++;
      return;
    }
    this.delivered++;
    dst.received$.next({ from: q.from, bytes: q.bytes });
  }
}
