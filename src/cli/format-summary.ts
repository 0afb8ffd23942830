// Human-readable simulation summary.
import type { SimSummary } from '../../simulator/sim-summary.ts';

const kv = (r: Record<string, number>): string => Object.entries(r).map(([k, v]) => `${k}=${v}`).join(' ') || 'none';

export const formatSummary = (s: SimSummary, det?: { identical: boolean; divergence?: unknown }): string => {
  const lines = [
    `scenario   ${s.scenario} (seed ${s.seed}), ${s.simulatedMs / 1000}s simulated in ${(s.wallMs / 1000).toFixed(1)}s wall`,
    `nodes      ${s.nodes}`,
    `links up   ${s.linksUp}/${s.links}${s.allLinksUp ? ' (all)' : ''}; all up by ${s.firstAllUpAtMs === null ? 'never' : `${s.firstAllUpAtMs / 1000}s`}` +
      (s.faults > 0 ? `; reconverged ${s.reconvergedAfterLastFaultMs === null ? 'never' : `${s.reconvergedAfterLastFaultMs / 1000}s`} after the last of ${s.faults} faults` : ''),
    `handshakes ${s.handshakes}   link transitions ${s.linkTransitions}`,
    `packets    sent ${s.packets.sent}, delivered ${s.packets.delivered}`,
    `dropped    network: ${kv(s.packets.dropped.network)}`,
    `           node: ${kv(s.packets.dropped.node)}`,
    ...routeLines(s),
    `events     ${s.events}   trace lines ${s.traceLines}`,
    `traceHash  ${s.traceHash}`,
  ];
  if (det) {
    lines.push(det.identical ? 'determinism: second run identical' : `determinism: DIVERGED at ${JSON.stringify(det.divergence)}`);
  }
  return lines.join('\n') + '\n';
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
