// The scenario's radio channels: one RadioMedium each, and per node boot a RadioCarrier on it
// (the same carrier class a real node puts over a KISS TNC) with its radio neighbours.
// Stations: in encrypted mode derived from the address; in amateur mode a made-up callsign per
// node ("K7SIM" for n7, SSIDs past n99), since the simulator has no licensed operators.
import type { Carrier } from '../src/env/carrier.ts';
import type { Clock } from '../src/env/clock.ts';
import { stationText, type Station } from '../src/radio/ax25.ts';
import { RadioCarrier } from '../src/radio/radio-carrier.ts';
import { stationForAddress } from '../src/radio/station.ts';
import { dcdLagMs, slotFor } from '../src/radio/radio-params.ts';
import type { EventQueue } from './event-queue.ts';
import { RadioMedium, type RadioMediumStats } from './radio-medium.ts';
import type { ChannelCounters } from '../src/radio/channel-types.ts';
import type { RadioChannelSpec } from './radio-schema.ts';
import type { SeededRandom } from './sim-random.ts';

export interface RadioSummary {
  channels: (RadioMediumStats & { bitrate: number; nodes: number })[];
  /** Per node: its channel counters and control share of time (the 2 % rule). */
  nodes: Record<string, ChannelCounters & { controlShare: number; queued: number }>;
}

export interface RadioAttachment { carrier: RadioCarrier; keyingMs: number; peers: { name: string; endpoint: string }[] }

export interface RadioHook {
  attach(name: string, address: string, clock: Clock, random: SeededRandom): RadioAttachment[];
  detach(name: string): void;
}

const simCallsign = (name: string): Station => {
  const i = Number(name.slice(1));
  return { call: `K${i % 100}SIM`, ssid: Math.floor(i / 100) & 0x0f };
};

export class RadioChannels implements RadioHook {
  readonly media: RadioMedium[];
  readonly carriers = new Map<string, RadioCarrier>();

  constructor(private readonly specs: RadioChannelSpec[], queue: EventQueue, random: SeededRandom, private readonly addressOf: (name: string) => string) {
    this.media = specs.map((s, i) => new RadioMedium(queue, random.split(`radio:${i}`), { loss: s.loss, dcdMs: s.dcdMs ?? dcdLagMs(s.bitrate) }));
  }

  private station(spec: RadioChannelSpec, name: string): Station {
    return spec.mode === 'amateur' ? simCallsign(name) : stationForAddress(this.addressOf(name));
  }

  /** A node's carriers, one per channel it is on; its first channel's carrier is kind "radio". */
  attach(name: string, address: string, clock: Clock, random: SeededRandom): RadioAttachment[] {
    const out: RadioAttachment[] = [];
    this.specs.forEach((spec, i) => {
      if (!spec.nodes.includes(name)) return;
      const carrier = new RadioCarrier({
        kind: out.length === 0 ? 'radio' : `radio${i}`,
        station: this.station(spec, name),
        amateur: spec.mode === 'amateur',
        io: this.media[i]!.attach(name),
        clock,
        random: out.length === 0 ? random : random.split(`channel:${i}`),
        channel: {
          bitrate: spec.bitrate, txDelayMs: spec.txDelayMs, txTailMs: spec.txTailMs, persistence: spec.persistence,
          slotMs: spec.slotMs ?? slotFor(spec.bitrate), dutyCycle: spec.dutyCycle, controlShare: spec.controlShare,
        },
      });
      this.carriers.set(out.length === 0 ? name : `${name}/${i}`, carrier);
      const peers = spec.nodes.filter((n) => n !== name).map((n) => ({ name: n, endpoint: stationText(this.station(spec, n)) }));
      out.push({ carrier, keyingMs: spec.txDelayMs + spec.txTailMs, peers });
    });
    return out;
  }

  summary(): RadioSummary {
    const nodes: RadioSummary['nodes'] = {};
    for (const [name, c] of [...this.carriers].sort(([a], [b]) => (a < b ? -1 : 1))) {
      nodes[name] = { ...c.channel.counters, controlShare: c.channel.controlShare(), queued: c.channel.queued };
    }
    return { channels: this.media.map((m, i) => ({ ...m.stats, bitrate: this.specs[i]!.bitrate, nodes: this.specs[i]!.nodes.length })), nodes };
  }

  detach(name: string): void {
    for (const m of this.media) m.detach(name);
    for (const [key, c] of [...this.carriers]) {
      if (key !== name && !key.startsWith(`${name}/`)) continue;
      c.channel.stop();
      this.carriers.delete(key);
    }
  }
}
