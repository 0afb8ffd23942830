// openRadioCarrier: a node's radio, from the "radio" config section to a Carrier. The KISS TNC
// on the serial port does the carrier sensing (we send it P and SlotTime), so our channel actor
// transmits at once when the air is ours by its count (persistence 1) and only paces frames by
// their airtime, keeping the queue order, the duty cycle and the control share in our hands.
import type { Clock } from './clock.ts';
import type { Random } from './random.ts';
import { realClock } from './real-clock.ts';
import { realRandom } from './real-random.ts';
import { KissSerialIo } from './kiss-serial-io.ts';
import { RadioCarrier } from '../radio/radio-carrier.ts';
import { parseCallsign } from '../radio/ax25.ts';
import { parseRadioConfig, type RadioConfigInput } from '../radio/radio-config.ts';
import { mtuFor } from '../radio/radio-params.ts';
import { stationForAddress } from '../radio/station.ts';

export interface RadioDeps {
  /** The node's address: names its station in encrypted mode. */
  address: string;
  clock?: Clock;
  random?: Random;
  /** Shorter identification interval for tests (FCC 97.119 default: 10 minutes). */
  idEveryMs?: number;
  /** The carrier's kind on the node: "kiss" for the first radio, "kiss1"... for more. */
  kind?: string;
}

export interface KissSerialCarrier extends RadioCarrier {
  readonly io: KissSerialIo;
}

export const openRadioCarrier = async (config: RadioConfigInput, deps: RadioDeps): Promise<KissSerialCarrier> => {
  const c = parseRadioConfig(config);
  const io = new KissSerialIo({
    device: c.device, baud: c.baud, kissPort: c.kissPort, txDelayMs: c.txDelayMs, persistence: c.persistence,
    slotMs: c.slotMs, txTailMs: c.txTailMs, fullDuplex: c.fullDuplex, pollMs: c.pollMs, maxFrame: mtuFor(c.bitrate) + 200,
  });
  await io.open();
  const amateur = c.mode === 'amateur';
  const carrier = new RadioCarrier({
    kind: deps.kind ?? 'kiss',
    station: amateur ? parseCallsign(c.callsign ?? '') : stationForAddress(deps.address),
    amateur,
    io,
    clock: deps.clock ?? realClock(),
    random: deps.random ?? realRandom(),
    idEveryMs: deps.idEveryMs,
    channel: {
      bitrate: c.bitrate, txDelayMs: c.txDelayMs, txTailMs: c.txTailMs, persistence: 1, slotMs: c.slotMs,
      dutyCycle: c.dutyCycle, controlShare: c.controlShare,
    },
  });
  return Object.assign(carrier, { io });
};
