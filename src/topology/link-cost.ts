// What a link costs in path computation, and which of our links we advertise.
//
// Weight = costMs × (25 + lossPct): RTT with a surcharge of 4 % per loss percent, so 25 % loss
// doubles a link's cost and 100 % loss makes it 5×. Retransmission theory says RTT / (1 − p),
// which is infinite at p = 1; the linear surcharge is gentler, stays an integer (everything is
// scaled by 25, which does not change any comparison) and at most 65535 × 125 < 2^23 per edge,
// so path sums stay exact far beyond any path length we allow.
import type { NeighbourInfo } from '../overlay/link-layer.ts';
import { MAX_RECORD_LINKS, clampCost, clampLoss, type RecordLink } from './link-record.ts';

export const edgeWeight = (l: RecordLink): number => l.costMs * (25 + l.lossPct);

export interface OwnLinkOptions {
  /** Advertised cost of an up link whose RTT is not measured yet: pessimistic on purpose. */
  unknownCostMs: number;
  /** Configured peers; when given, other (learned) neighbours are advertised only once measured. */
  staticPeers: ReadonlySet<string> | undefined;
}

/** Our up links as record entries, cheapest first when more than a record holds. */
export const ownLinks = (neighbours: readonly NeighbourInfo[], o: OwnLinkOptions): RecordLink[] => {
  const links: RecordLink[] = [];
  for (const n of neighbours) {
    // A learned peer could be a passer-by whose handshake just finished: wait for one ping
    // round trip before the whole network hears of it. Configured peers are the fixed topology.
    if (o.staticPeers && !o.staticPeers.has(n.peer) && n.rttMs === null) continue;
    links.push({ peer: n.peer, costMs: clampCost(n.rttMs ?? o.unknownCostMs), lossPct: clampLoss(n.lossPct) });
  }
  if (links.length <= MAX_RECORD_LINKS) return links;
  return links.sort((a, b) => edgeWeight(a) - edgeWeight(b) || (a.peer < b.peer ? -1 : 1)).slice(0, MAX_RECORD_LINKS);
};

/**
 * True when `now` differs enough from what we advertised to be worth a new record: another set
 * of peers, or a link whose weight moved by half (either way) because its RTT moved by 5 ms or
 * more or its loss by 20 points or more. Each new record costs a flood over every link and a
 * signature check on every node, so the bar is high: loss over the last 20 pings moves in
 * 5-point steps, and in a 300-node simulation on a 1 % loss WAN a 10-point bar re-flooded about
 * one record per node per minute on noise alone. Smaller changes wait for the refresh.
 */
export const linksMoved = (advertised: readonly RecordLink[], now: readonly RecordLink[]): boolean => {
  if (advertised.length !== now.length) return true;
  const old = new Map(advertised.map((l) => [l.peer, l]));
  for (const l of now) {
    const o = old.get(l.peer);
    if (!o) return true;
    const [a, b] = [edgeWeight(o), edgeWeight(l)];
    const big = 2 * Math.max(a, b) >= 3 * Math.min(a, b);
    if (big && (Math.abs(l.costMs - o.costMs) >= 5 || Math.abs(l.lossPct - o.lossPct) >= 20)) return true;
  }
  return false;
};
