// Who is who on a shared channel. A radio carrier's endpoints are AX.25 stations ("N0CALL-7"):
// in amateur mode the operator's callsign and an SSID per node, in encrypted mode a station
// derived from the node address (its first six base32 characters, upper-cased, which are valid
// AX.25 callsign characters, and an SSID from the seventh), so no one has to configure one.
import { parseStation, stationText, type Station } from './ax25.ts';

/** Frames to this destination are for every node on the channel (hellos to unknown peers). */
export const BROADCAST: Station = Object.freeze({ call: 'SKYWIR', ssid: 0 });
/** Destination of identification frames (as other stations' beacons use). */
export const ID_DEST: Station = Object.freeze({ call: 'ID', ssid: 0 });

export const stationForAddress = (address: string): Station => {
  const seventh = 'abcdefghijklmnopqrstuvwxyz234567'.indexOf(address[6] ?? 'a');
  return { call: address.slice(0, 6).toUpperCase(), ssid: Math.max(0, seventh) & 0x0f };
};

/** Canonical endpoint text for a configured station ("n0call-0" → "N0CALL"). */
export const canonicalStation = (text: string, what?: string): string => stationText(parseStation(text, what));
