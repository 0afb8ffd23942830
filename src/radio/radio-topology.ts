// Topology timers for a node with a radio. Every node refreshes its signed record so that a lost
// flood is repaired and a dead node's record expires; on a 300 bit/s channel one record takes
// about 7 s of air, so the 5-minute refresh of a wired network would alone take several percent
// of airtime per neighbour, past the 2 % control share, and the held-back refreshes would let
// live records expire. Slow radios refresh less often: about 400 record airtimes apart, so eight
// records per refresh (a node's own plus those it relays) stay near 2 % of air.
import { airtimeMs } from './radio-params.ts';
import { defaultTopologyOptions, type TopologyOptions } from '../topology/topology-options.ts';

const RECORD_FRAME_BYTES = 250;

export const radioTopologyTimers = (bitrate: number, keyingMs: number): Pick<TopologyOptions, 'refreshMs' | 'maxAgeMs' | 'requestEveryMs'> => {
  const air = airtimeMs(RECORD_FRAME_BYTES, bitrate, keyingMs);
  const refreshMs = Math.max(defaultTopologyOptions.refreshMs, 150 * air);
  // A record request's answer is a few records: do not ask again before they could have come.
  const requestEveryMs = Math.max(defaultTopologyOptions.requestEveryMs, 10 * air);
  return { refreshMs, maxAgeMs: Math.max(defaultTopologyOptions.maxAgeMs, 3 * refreshMs), requestEveryMs };
};
