// Human-readable simulation summary.
import type { SimSummary } from '../../simulator/sim-summary.ts';

const kv = (r: Record<string, number>): string => Object.entries(r).map(([k, v]) => `${k}=${v}`).join(' ') || 'none';

export const formatSummary = (s: SimSummary, det?: { identical: boolean; divergence?: unknown }): string => {
  const lines = [
    `scenario   ${s.scenario} (seed ${s.seed}), ${s.simulatedMs / 1000}s simulated in ${(s.wallMs / 1000).toFixed(1)}s wall`,
    `nodes      ${s.nodes}`,
    `links up   ${s.linksUp}/${s.links}${s.allLinksUp ? ' (all)' : ''}; all up by ${s.firstAllUpAtMs === null ? 'never' : `${s.firstAllUpAtMs / 1000}s`}`,
    ...(s.faults === 0 ? [] : [`faults     ${s.faults}; ${s.reconvergedAfterLastFaultMs !== null ? `all links up again ${s.reconvergedAfterLastFaultMs / 1000}s after the last`
      // Not a failure by itself: a scenario that cuts a link and never heals it ends like this.
      : `${s.links - s.linksUp} link(s) still down at the end`}`]),
    `handshakes ${s.handshakes}   link transitions ${s.linkTransitions}`,
    `packets    sent ${s.packets.sent}, delivered ${s.packets.delivered}`,
    `dropped    network: ${kv(s.packets.dropped.network)}`,
    `           node: ${kv(s.packets.dropped.node)}`,
    ...routeLines(s),
    ...radioLines(s),
    `events     ${s.events}   trace lines ${s.traceLines}`,
    `traceHash  ${s.traceHash}`,
  ];
  if (det) {
    lines.push(det.identical ? 'determinism: second run identical' : `determinism: DIVERGED at ${JSON.stringify(det.divergence)}`);
  }
  return lines.join('\n') + '\n';
};

const ms = (x: number | null): string => (x === null ? '-' : `${(x / 1000).toFixed(1)}s`);

/** SMS and radio, for scenarios that have them (sms: and radio: in the YAML). */
const radioLines = (s: SimSummary): string[] => {
  const lines: string[] = [];
  if (s.sms) {
    const m = s.sms;
    lines.push(`sms        ${m.delivered}/${m.sent} delivered${m.duplicates ? `, ${m.duplicates} DUPLICATES` : m.allDeliveredOnce ? ', each once' : ''}, ${m.receipts} receipts back; ` +
      `delivery median ${ms(m.deliveryMs.median)} max ${ms(m.deliveryMs.max)}, receipt median ${ms(m.receiptMs.median)} max ${ms(m.receiptMs.max)}`);
  }
  if (s.radio) {
    for (const [i, c] of s.radio.channels.entries()) {
      lines.push(`radio ch${i}  ${c.bitrate} bit/s, ${c.nodes} nodes: ${kv(Object.fromEntries(Object.entries(c).filter(([k, v]) => typeof v === 'number' && k !== 'bitrate' && k !== 'nodes')) as Record<string, number>)}`);
    }
    const shares = Object.values(s.radio.nodes).map((n) => n.controlShare);
    if (shares.length > 0) lines.push(`radio      control airtime over the run: max ${(Math.max(...shares) * 100).toFixed(2)} % of a node (budget 2 % over 10 min; a waiting message may borrow)`);
  }
  return lines;
};

const routeLines = (s: SimSummary): string[] => {
  const r = s.routes;
  if (r.established === 0 && s.streams.length === 0) return [];
  const lines = [
    `routes     established ${r.established}, repaired ${r.repaired}, failed ${r.failed}; setup/RTT median ${r.setupRttRatio.median ?? '-'} max ${r.setupRttRatio.max ?? '-'}`,
    `repairs    ${r.repairMs.length === 0 ? 'none' : `${r.repairMs.map((m) => `${m}ms`).join(' ')}`}`,
    `loops      ${r.loops.length === 0 ? 'none' : `${r.loops.length} FOUND`} in ${r.loopChecks} checks (after every forwarding change)`,
  ];
  for (const x of s.streams) {
    lines.push(`stream #${x.index} ${x.from}->${x.to} ${x.delivered}/${x.bytes} B ${x.intact ? 'sha256 equal' : 'INCOMPLETE'}` +
      `${x.finishedAt !== null ? ` in ${((x.finishedAt - x.startedAt) / 1000).toFixed(1)}s` : ''}${x.error ? ` (${x.error})` : ''}`);
  }
  return lines;
};
