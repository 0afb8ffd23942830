// Reassembles fragmented topology messages, one in progress per neighbour. A link delivers a
// message's fragments back to back (the flooder sends them together), so a fragment of a new
// message means the old one lost a piece: it is dropped, and the next refresh or sync brings
// the record again. Memory stays bounded: at most one partial message per neighbour.

interface Partial { id: number; count: number; parts: (Uint8Array | undefined)[]; got: number }

export class Reassembler {
  private readonly partial = new Map<string, Partial>();
  /** Messages abandoned because a piece never came. */
  lost = 0;

  /** Returns the whole message once its last fragment arrives, else undefined. */
  accept(peer: string, f: { id: number; index: number; count: number; chunk: Uint8Array }): Uint8Array | undefined {
    let p = this.partial.get(peer);
    if (p && (p.id !== f.id || p.count !== f.count)) {
      this.lost++;
      p = undefined;
    }
    if (!p) this.partial.set(peer, (p = { id: f.id, count: f.count, parts: new Array<Uint8Array | undefined>(f.count), got: 0 }));
    if (p.parts[f.index]) return undefined; // a duplicate
    p.parts[f.index] = f.chunk.slice();
    if (++p.got < p.count) return undefined;
    this.partial.delete(peer);
    const total = p.parts.reduce((n, c) => n + c!.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of p.parts) {
      out.set(c!, at);
      at += c!.length;
    }
    return out;
  }

  forget(peer: string): void {
    this.partial.delete(peer);
  }
}
