// A node's view of the simulated network. It only hands datagrams to the network and takes
// deliveries from it; all timing, loss and fault logic lives in sim-network.ts.
import { Subject, type Observable } from 'rxjs';
import type { Carrier, Datagram } from '../src/env/carrier.ts';

/** What a carrier needs from its network (kept narrow to avoid an import cycle). */
export interface CarrierHost {
  transmit(from: SimCarrier, to: string, bytes: Uint8Array): void;
  release(carrier: SimCarrier): void;
}

export const SIM_MTU = 1400;

export class SimCarrier implements Carrier {
  readonly kind = 'sim';
  readonly bitrate: number | undefined = undefined;
  readonly received$: Observable<Datagram>;
  private readonly subject = new Subject<Datagram>();
  private gone = false;

  constructor(
    readonly local: string,
    private readonly host: CarrierHost,
    readonly mtu: number = SIM_MTU,
  ) {
    this.received$ = this.subject.asObservable();
  }

  /** False after a crash (detach), a restart's reattach or close(): the carrier is dead for good. */
  get attached(): boolean {
    return !this.gone;
  }

  send(to: string, bytes: Uint8Array): void {
    this.host.transmit(this, to, bytes);
  }

  close(): Promise<void> {
    this.host.release(this);
    return Promise.resolve();
  }

  /** Called by the network from a queue event only. */
  deliver(d: Datagram): void {
    if (!this.gone) this.subject.next(d);
  }

  /** Called by the network when the node crashes or the carrier is replaced or closed. */
  shutdown(): void {
    if (this.gone) return;
    this.gone = true;
    this.subject.complete();
  }
}
