// Which node currently has a live carrier, and how many times each node has crashed: a datagram
// in flight across a crash must be lost even if the node has restarted by the time it lands.
import { SkywireError } from '../src/errors.ts';
import { SimCarrier, type CarrierHost } from './sim-carrier.ts';

export class CarrierRegistry {
  private readonly live = new Map<string, SimCarrier>();
  private readonly crashes = new Map<string, number>();

  constructor(private readonly host: CarrierHost, private readonly mtu: number) {}

  get(name: string): SimCarrier | undefined {
    return this.live.get(name);
  }

  /** Changes every time the node detaches; compare to tell "same incarnation". */
  incarnation(name: string): number {
    return this.crashes.get(name) ?? 0;
  }

  attach(name: string): SimCarrier {
    if (this.live.has(name)) throw new SkywireError('INTERNAL', `node "${name}" is already attached; use reattach() after a restart`);
    const c = new SimCarrier(name, this.host, this.mtu);
    this.live.set(name, c);
    return c;
  }

  detach(name: string): void {
    const c = this.live.get(name);
    if (!c) return;
    c.shutdown();
    this.live.delete(name);
    this.crashes.set(name, this.incarnation(name) + 1);
  }

  /** close() on a carrier: detaches its node if it is still the live one. */
  release(carrier: SimCarrier): void {
    if (this.live.get(carrier.local) === carrier) this.detach(carrier.local);
    else carrier.shutdown();
  }
}
