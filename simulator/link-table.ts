// Which node pairs are linked, one SimLink per direction so that queues, cuts and parameters
// can differ each way. Nested maps avoid building a string key on every send.
import { SkywireError } from '../src/errors.ts';
import { withLinkParamDefaults, type LinkParams } from './link-params.ts';
import { SimLink } from './sim-link.ts';

export class LinkTable {
  private readonly out = new Map<string, Map<string, SimLink>>();

  constructor(private readonly defaults: LinkParams) {}

  get(from: string, to: string): SimLink | undefined {
    return this.out.get(from)?.get(to);
  }

  /** Links a and b both ways; again on a linked pair updates parameters and keeps queue state. */
  connect(a: string, b: string, params?: Partial<LinkParams>): void {
    if (a === b) throw new SkywireError('INTERNAL', `cannot link node "${a}" to itself`);
    const p = withLinkParamDefaults(this.defaults, params);
    for (const [x, y] of [[a, b], [b, a]] as const) {
      let m = this.out.get(x);
      if (!m) this.out.set(x, (m = new Map()));
      const l = m.get(y);
      if (l) l.params = { ...p };
      else m.set(y, new SimLink({ ...p }));
    }
  }

  disconnect(a: string, b: string): void {
    this.out.get(a)?.delete(b);
    this.out.get(b)?.delete(a);
  }

  /** Sets both directions' cut flag; false when the pair is not linked. */
  setCut(a: string, b: string, cut: boolean): boolean {
    const ab = this.get(a, b), ba = this.get(b, a);
    if (ab) ab.cut = cut;
    if (ba) ba.cut = cut;
    return ab !== undefined || ba !== undefined;
  }
}
