// Human-readable status: a fixed-width table that fits 80 columns.
import type { NodeStatus } from '../node/node-status.ts';
import type { RouteStatus } from '../overlay/route-status.ts';
import type { RadioStatus } from './node-radio.ts';
import type { AppStatus } from '../apps/app-manager.ts';
import type { DiskStatus } from '../node/disk-health.ts';
import type { NftGuardStatus } from '../env/nft-guard.ts';

const ago = (at: number | null, now: number): string => (at === null ? '-' : `${Math.max(0, Math.round((now - at) / 1000))}s ago`);
const bytes = (n: number): string => (n < 10_000 ? `${n}B` : n < 10_000_000 ? `${Math.round(n / 1024)}K` : `${Math.round(n / 1048576)}M`);

/** Words into lines of at most `width` characters (a longer word stands alone). */
const wrap = (text: string, width: number): string[] => {
  const out: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    if (cur && cur.length + 1 + w.length > width) { out.push(cur); cur = w; } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(cur);
  return out;
};

export const formatStatus = (s: NodeStatus & { routes?: RouteStatus[]; radio?: RadioStatus | null; apps?: AppStatus[]; disk?: DiskStatus; kernelGuard?: NftGuardStatus | null }, nowWall: number): string => {
  const lines = [
    `node ${s.name === s.address ? s.address : `${s.name} (${s.address})`}  up ${Math.round(s.uptimeMs / 1000)}s`,
    `${'peer'.padEnd(28)}${'state'.padEnd(12)}${'rtt'.padStart(7)}${'loss'.padStart(6)}${'in'.padStart(7)}${'out'.padStart(7)}  handshake`,
  ];
  for (const l of s.links) {
    lines.push(`${l.peer.padEnd(28)}${l.state.padEnd(12)}${(l.rttMs === null ? '-' : `${l.rttMs}ms`).padStart(7)}` +
      `${`${l.lossPct}%`.padStart(6)}${bytes(l.bytesIn).padStart(7)}${bytes(l.bytesOut).padStart(7)}  ${ago(l.lastHandshakeAt, nowWall)}`);
    // Why it is not up, wrapped under its row so the table keeps 80 columns.
    if (l.problem) lines.push(...wrap(`! ${l.problem}`, 76).map((w) => `  ${w}`));
  }
  if (s.links.length === 0) lines.push('(no links: add peers with --peer ADDRESS@HOST:PORT or in config.json)');
  if (s.routes && s.routes.length > 0) {
    lines.push(`${'route to'.padEnd(28)}${'state'.padEnd(12)}${'hops'.padStart(5)}${'repairs'.padStart(9)}`);
    for (const r of s.routes) lines.push(`${r.dest.padEnd(28)}${r.state.padEnd(12)}${String(r.hops ?? '-').padStart(5)}${String(r.repairs).padStart(9)}`);
  }
  if (s.radio) lines.push(radioLine(s.radio));
  for (const a of s.apps ?? []) lines.push(`app ${a.name} ${a.version ?? '?'}: ${a.state}${a.restarts ? `, ${a.restarts} restart(s)` : ''}${a.lastUpdate === 'none' ? '' : `, last update ${a.lastUpdate}`}`);
  // A write that keeps failing is the first thing an operator must fix: one line per file.
  for (const f of s.disk?.failing ?? []) lines.push(`disk: cannot write ${f.file} (${f.errno}) since ${ago(f.since, nowWall)}, ${f.retries} retries${f.nextRetryAt === null ? '' : `, next in ${Math.max(0, Math.round((f.nextRetryAt - nowWall) / 1000))}s`}`);
  const g = s.kernelGuard;
  if (g) {
    lines.push(...wrap(g.on ? `kernel guard: ${g.fleetEndpoints} fleet endpoint(s) pass; dropped ${g.dropped.handshakes} inits, ${g.dropped.perSource + g.dropped.global} other${g.error ? `; ${g.error}` : ''}` : `kernel guard off: ${g.error ?? 'not started'}`, 80));
  }
  const drops = Object.entries(s.drops).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(' ');
  lines.push(`drops: ${drops || 'none'}`);
  return lines.join('\n') + '\n';
};

// Amateur or encrypted is on the first line an operator reads: it decides what may be sent.
const radioLine = (r: RadioStatus): string =>
  `radio ${r.mode} ${r.bitrate} bit/s on ${r.device}: ${r.serial}${r.station ? ` as ${r.station}` : ''}` +
  (r.error ? ` (${r.error})` : `, air ${r.airtimePct ?? 0}% (control ${r.controlPct ?? 0}%), queue ${r.queue}`);
