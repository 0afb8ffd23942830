// Per-link counters and the RTT/loss estimate from encrypted pings (RFC 6298 smoothing).
export interface LinkStatsView {
  rttMs: number | null;
  lossPct: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  handshakes: number;
  lastHandshakeAt: number | null;
  lastRxAt: number | null;
}

const LOSS_WINDOW = 20;

export class LinkStats {
  bytesIn = 0;
  bytesOut = 0;
  packetsIn = 0;
  packetsOut = 0;
  handshakes = 0;
  /** Amateur mode: solo frames (SMS before the hellos, src/radio/signed-wire.ts) sent and taken. */
  soloOut = 0;
  soloIn = 0;
  lastHandshakeAt: number | null = null;
  lastRx = 0;
  srtt: number | null = null;
  private pingId = 0;
  private readonly outstanding = new Map<number, number>();
  private readonly history: boolean[] = [];

  nextPing(now: number): number {
    // A ping still unanswered when the next goes out counts as lost.
    for (const id of this.outstanding.keys()) this.record(false), this.outstanding.delete(id);
    const id = ++this.pingId >>> 0;
    this.outstanding.set(id, now);
    return id;
  }

  pong(id: number, sentAt: number, now: number): void {
    if (this.outstanding.get(id) !== sentAt) return;
    this.outstanding.delete(id);
    this.record(true);
    const sample = Math.max(0, now - sentAt);
    this.srtt = this.srtt === null ? sample : Math.round((7 * this.srtt + sample) / 8);
  }

  private record(ok: boolean): void {
    this.history.push(ok);
    if (this.history.length > LOSS_WINDOW) this.history.shift();
  }

  view(): LinkStatsView {
    const lost = this.history.filter((x) => !x).length;
    return {
      rttMs: this.srtt,
      lossPct: this.history.length ? Math.round((1000 * lost) / this.history.length) / 10 : 0,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      packetsIn: this.packetsIn,
      packetsOut: this.packetsOut,
      handshakes: this.handshakes,
      lastHandshakeAt: this.lastHandshakeAt,
      lastRxAt: this.lastRx || null,
    };
  }
}
