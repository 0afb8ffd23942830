// Implementation constants of the topology layer (not on the wire), all overridable per node.
import { fail } from '../errors.ts';
import { DEFAULT_MAX_AGE_MS } from './lsdb.ts';
import { MAX_RECORD_LINKS } from './link-record.ts';
import type { RecordMemo } from './record-memo.ts';

export interface TopologyOptions {
  /** Share of a slow carrier's bitrate that flooding may use (Reticulum's announce cap). */
  floodShare: number;
  /** Flood byte rate on carriers without a known bitrate; Infinity means uncapped. */
  fastFloodBytesPerSec: number;
  /** Own record re-signed and flooded this often even when nothing changed. Changes flood at
   *  once, and paths use only links both ends claim, so a stale record cannot create a path:
   *  refreshes only repair floods lost on the way. OSPF refreshes every 30 min; every 5 min
   *  costs 300 nodes a fifth of the events of every minute. */
  refreshMs: number;
  /** At most one own record per this interval; link changes within it are batched. */
  minOriginateIntervalMs: number;
  /** A record not refreshed for this long is forgotten. */
  maxAgeMs: number;
  /** How often measured RTT and loss are compared with what we advertised. */
  costCheckMs: number;
  /** At most one record per this interval for cost changes alone, first measurements included
   *  (link changes go at once). Costs only rank paths, and a busy node's RTTs move with its own
   *  event-loop lag: without this, 300 nodes joining one hub re-flooded their records as the
   *  hub's load moved their RTTs, which added load (bench/master-scale: 38-60 s, then 20 s). */
  costMinIntervalMs: number;
  /** Cost advertised for an up link before its first RTT sample. */
  unknownCostMs: number;
  /** A neighbour's sync requests closer together than this are ignored. */
  syncGuardMs: number;
  /** Floods wait this long at most for a new neighbour's sync request (which says whether it
   *  is a stub); unanswered, our own sync request is sent again every syncRetryMs, 3 times. */
  floodHoldMs: number;
  syncRetryMs: number;
  /** A stub (leaf) learns only its neighbours' own records and asks for others on demand
   *  (record requests), instead of holding every record in the network. */
  stub: boolean;
  /** A stub asks for one destination's records at most this often. */
  requestEveryMs: number;
  /** Configured peers (the fixed topology); undefined treats every neighbour as configured. */
  staticPeers: readonly string[] | undefined;
  /** Records held at most, ours included (every neighbour can flood records for made-up nodes;
   *  a fleet of 3,000 holds 3,003). When full, a new origin is refused, unless it is one of our
   *  neighbours: then the oldest-received record of a non-neighbour makes room. */
  maxRecords: number;
  /** Links summed over all records held at most (a record can claim 2048: 20,000 such records
   *  cost 640 MB); a record that would pass it is refused. */
  maxTotalLinks: number;
  /** Links in one record at most (the wire allows MAX_RECORD_LINKS); bigger ones are refused. */
  maxRecordLinks: number;
  /** When set, a record whose origin this refuses is dropped (counted 'topology-not-member')
   *  before it is stored or flooded: the fleet's membership decides who may appear. */
  admitOrigin?: ((origin: string) => boolean) | undefined;
  /** When set, `origin`'s record goes to neighbour `peer` only if this says so (floods, syncs
   *  and a stub's answers alike): strangers learn only the way to the master. */
  shareRecord?: ((peer: string, origin: string) => boolean) | undefined;
  /** Parsed and verified records shared by the nodes of one process: the simulator sets one
   *  for all its nodes (record-memo.ts); a real node leaves it unset. */
  recordMemo?: RecordMemo | undefined;
}

export const defaultTopologyOptions: Readonly<TopologyOptions> = Object.freeze({
  floodShare: 0.02,
  fastFloodBytesPerSec: Infinity,
  refreshMs: 5 * 60_000,
  minOriginateIntervalMs: 1_000,
  maxAgeMs: DEFAULT_MAX_AGE_MS,
  costCheckMs: 5_000,
  costMinIntervalMs: 30_000,
  unknownCostMs: 1_000,
  syncGuardMs: 1_000,
  floodHoldMs: 5_000,
  syncRetryMs: 1_500,
  stub: false,
  requestEveryMs: 2_000,
  staticPeers: undefined,
  maxRecords: 16_384,
  maxTotalLinks: 262_144,
  maxRecordLinks: MAX_RECORD_LINKS,
  admitOrigin: undefined,
  shareRecord: undefined,
  recordMemo: undefined,
});

export const withTopologyDefaults = (partial?: Partial<TopologyOptions>): TopologyOptions => {
  const o = { ...defaultTopologyOptions, ...partial };
  if (!(o.floodShare > 0 && o.floodShare <= 1)) fail('CONFIG_INVALID', `topology floodShare must be in (0, 1], got ${o.floodShare}`);
  if (!(o.fastFloodBytesPerSec > 0)) fail('CONFIG_INVALID', `topology fastFloodBytesPerSec must be positive, got ${o.fastFloodBytesPerSec}`);
  for (const k of ['refreshMs', 'minOriginateIntervalMs', 'maxAgeMs', 'costCheckMs', 'costMinIntervalMs', 'syncGuardMs', 'syncRetryMs'] as const) {
    if (!(Number.isFinite(o[k]) && o[k] > 0)) fail('CONFIG_INVALID', `topology ${k} must be a positive number of ms, got ${o[k]}`);
  }
  if (!(Number.isFinite(o.floodHoldMs) && o.floodHoldMs >= 0)) fail('CONFIG_INVALID', `topology floodHoldMs must be a non-negative number of ms, got ${o.floodHoldMs}`);
  for (const k of ['maxRecords', 'maxTotalLinks', 'maxRecordLinks'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] > 0)) fail('CONFIG_INVALID', `topology ${k} must be a positive integer, got ${o[k]}`);
  }
  // Refreshes must outpace expiry, or live records would vanish between refreshes.
  if (o.refreshMs >= o.maxAgeMs) fail('CONFIG_INVALID', `topology refreshMs (${o.refreshMs}) must be below maxAgeMs (${o.maxAgeMs})`);
  return o;
};
