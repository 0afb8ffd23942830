// The "radio" section of HOME/config.json: which TNC, how fast the radio is, and the mode.
// Amateur mode needs the operator's callsign; encrypted mode derives a station from the address.
import { z } from 'zod';
import { SkywireError } from '../errors.ts';
import { parseAddress } from '../identity/address.ts';
import { parseCallsign } from './ax25.ts';
import { MAX_BITRATE, MIN_BITRATE } from './radio-params.ts';
import { canonicalStation, stationForAddress } from './station.ts';
import { stationText } from './ax25.ts';

export const radioSchema = z.object({
  /** Serial device of the KISS TNC, e.g. /dev/ttyUSB0 or direwolf's /tmp/kisstnc. */
  device: z.string().min(1),
  /** Serial line speed to the TNC (not the radio's bit rate). */
  baud: z.number().int().positive().default(9600),
  /** Bit rate on air: 1200 for AFSK, 300 for HF, 9600 for G3RUH. */
  bitrate: z.number().min(MIN_BITRATE).max(MAX_BITRATE).default(1200),
  mode: z.enum(['amateur', 'encrypted']).default('encrypted'),
  callsign: z.string().optional(),
  kissPort: z.number().int().min(0).max(15).default(0),
  txDelayMs: z.number().int().min(0).max(2550).default(300),
  persistence: z.number().gt(0).max(1).default(0.25),
  slotMs: z.number().int().min(0).max(2550).default(100),
  // A receiver needs audio after the closing flag to finish decoding: direwolf warns below 20 ms.
  txTailMs: z.number().int().min(0).max(2550).default(50),
  fullDuplex: z.boolean().default(false),
  dutyCycle: z.number().gt(0).max(1).default(1),
  controlShare: z.number().gt(0).max(0.5).default(0.02),
  /** How often to look for an unplugged TNC to come back. */
  pollMs: z.number().int().positive().default(1000),
  /** Neighbours on the channel: "ADDRESS" or "ADDRESS@STATION" (needed in amateur mode). */
  peers: z.array(z.string()).default([]),
}).strict();

export type RadioConfig = z.output<typeof radioSchema>;
export type RadioConfigInput = z.input<typeof radioSchema>;

export interface RadioPeer { address: string; station: string }

/** Validates a radio config (throws RADIO_CONFIG / BAD_CALLSIGN naming the field). */
export const parseRadioConfig = (input: unknown, where = 'radio'): RadioConfig => {
  const r = radioSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new SkywireError('RADIO_CONFIG', `${where}.${issue.path.join('.')}: ${issue.message}`);
  }
  const c = r.data;
  if (c.mode === 'amateur') {
    if (c.callsign === undefined) throw new SkywireError('RADIO_CONFIG', `${where}.callsign: amateur mode needs the operator's callsign (e.g. "N0CALL-7"), or set ${where}.mode to "encrypted"`);
    parseCallsign(c.callsign, `${where}.callsign`);
  }
  return c;
};

export const radioPeers = (c: RadioConfig, where = 'radio.peers'): RadioPeer[] =>
  c.peers.map((p, i) => {
    const [address = '', station] = p.split('@');
    parseAddress(address, `${where}.${i}`);
    if (station === undefined && c.mode === 'amateur') {
      throw new SkywireError('RADIO_CONFIG', `${where}.${i}: in amateur mode give the peer's station, "ADDRESS@CALLSIGN-SSID"`);
    }
    return { address, station: station === undefined ? stationText(stationForAddress(address)) : canonicalStation(station, `${where}.${i}`) };
  });
