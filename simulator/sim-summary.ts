// The run's summary: what `skywire sim run` prints and --json emits as one object.
import type { EventQueue } from './event-queue.ts';
import type { Scenario } from './scenario-schema.ts';
import type { SimNetwork } from './sim-network.ts';
import type { SimNode } from './sim-node.ts';
import type { SimCounters } from './sim-counters.ts';
import type { RouteSummary } from './sim-routes.ts';
import type { StreamResult } from './sim-traffic.ts';

export interface SimSummary {
  scenario: string;
  seed: number;
  nodes: number;
  links: number;
  linksUp: number;
  allLinksUp: boolean;
  firstAllUpAtMs: number | null;
  reconvergedAfterLastFaultMs: number | null;
  lastLinkChangeAtMs: number;
  handshakes: number;
  linkTransitions: number;
  faults: number;
  packets: { sent: number; delivered: number; dropped: { network: Record<string, number>; node: Record<string, number> } };
  events: number;
  simulatedMs: number;
  wallMs: number;
  routes: RouteSummary;
  streams: StreamResult[];
  streamsIntact: boolean;
  /** Scenario SMS (simulator/sim-sms.ts): sent, delivered, duplicates, delivery times. */
  sms?: import('./sim-sms.ts').SmsSimSummary;
  /** Shared radio channels (simulator/radio-channels.ts): medium and per-node channel counters. */
  radio?: import('./radio-channels.ts').RadioSummary;
  traceLines: number;
  traceHash: string;
}

const sorted = (r: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(r).filter(([, v]) => v > 0).sort(([a], [b]) => (a < b ? -1 : 1)));

export const summarize = (p: {
  scenario: Scenario; seed: number; nodes: Map<string, SimNode>; edges: [string, string][]; network: SimNetwork;
  queue: EventQueue; counters: SimCounters; traceHash: string; traceLines: number; wallMs: number;
  routes: RouteSummary; streams: StreamResult[]; faults: number;
}): SimSummary => {
  const nodeDrops: Record<string, number> = {};
  for (const n of p.nodes.values()) for (const [k, v] of Object.entries(n.drops())) nodeDrops[k] = (nodeDrops[k] ?? 0) + v;
  const c = p.counters;
  return {
    scenario: p.scenario.name,
    seed: p.seed,
    nodes: p.nodes.size,
    links: p.edges.length,
    linksUp: c.linksUp,
    allLinksUp: c.linksUp === p.edges.length,
    firstAllUpAtMs: c.firstAllUpAt,
    reconvergedAfterLastFaultMs: c.faults > 0 && c.linksUp === p.edges.length ? Math.max(0, c.lastTransitionAt - c.lastFaultAt) : null,
    lastLinkChangeAtMs: c.lastTransitionAt,
    handshakes: c.handshakes,
    linkTransitions: c.linkTransitions,
    faults: c.faults,
    packets: { sent: p.network.stats.sent, delivered: p.network.stats.delivered, dropped: { network: sorted(p.network.stats.dropped), node: sorted(nodeDrops) } },
    events: p.queue.processed,
    simulatedMs: p.scenario.duration,
    wallMs: Math.round(p.wallMs),
    routes: p.routes,
    streams: p.streams,
    streamsIntact: p.streams.every((s) => s.intact),
    traceLines: p.traceLines,
    traceHash: p.traceHash,
  };
};
