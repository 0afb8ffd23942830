// Text output of the fleet commands: one line per node, columns aligned, times as "ago".
import type { NodeView } from '../master/fleet-view.ts';
import type { NodeMetrics } from '../master/node-metrics.ts';
import type { NodeReply } from '../master/master-control.ts';
import type { ExecResult } from '../env/run-process.ts';

export const ago = (ms: number): string =>
  ms < 2000 ? 'just now' : ms < 120_000 ? `${Math.round(ms / 1000)} s ago` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min ago` : `${Math.round(ms / 3_600_000)} h ago`;

const table = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
};

const pct = (v: number | null | undefined): string => (typeof v === 'number' ? `${v}%` : '-');
/** used/total as a whole percentage, or '-' when either is unknown. */
export const share = (used: number | null | undefined, total: number | null | undefined): string =>
  (typeof used === 'number' && typeof total === 'number' && total > 0 ? `${Math.round((used / total) * 100)}%` : '-');

/** `skywire metrics NODE`: one figure per line, units said. */
export const formatMetrics = (r: { name: string; address: string; online: boolean; lastSeenMs: number; version: string; metrics: Partial<NodeMetrics> }, nowMs: number): string => {
  const m = r.metrics;
  const mb = (v: number | null | undefined): string => (typeof v === 'number' ? `${v} MB` : '-');
  const lines = [
    [`node`, `${r.name || '-'} ${r.address}`],
    ['state', `${r.online ? 'online' : 'offline'}, last seen ${ago(nowMs - r.lastSeenMs)}`],
    ['version', r.version],
    ['cpu', pct(m.cpuPct)],
    ['load', typeof m.load1 === 'number' ? String(m.load1) : '-'],
    ['memory', `${mb(m.memUsedMB)} of ${mb(m.memTotalMB)}`],
    ['disk', `${mb(m.diskUsedMB)} of ${mb(m.diskTotalMB)}`],
    ['temperature', typeof m.tempC === 'number' ? `${m.tempC} C` : 'no sensor'],
    ['uptime', typeof m.uptimeS === 'number' ? `${Math.floor(m.uptimeS / 3600)} h ${Math.floor((m.uptimeS % 3600) / 60)} min` : '-'],
    ['apps', Object.entries(m.apps ?? {}).map(([k, a]) => `${k} ${a.version ?? ''} ${a.state}`.replace('  ', ' ')).join(', ') || 'none'],
  ];
  return lines.map(([k, v]) => `${k!.padEnd(12)} ${v}`).join('\n') + '\n';
};

export const formatNodes = (nodes: NodeView[], nowMs: number): string => {
  if (nodes.length === 0) return 'no nodes have registered yet\n';
  const nameOf = new Map(nodes.map((n) => [n.address, n.name]));
  const rows = [['NAME', 'ADDRESS', 'STATE', 'LAST SEEN', 'LINKS', 'PATH', 'CONFIG', 'VERSION', 'CPU', 'MEM', 'DISK', 'TAGS']];
  for (const n of nodes) {
    const state = n.enrolment === 'pending' ? 'pending' : n.enrolment === 'removed' ? 'removed' : n.online ? 'online' : 'offline';
    const via = n.via === null ? 'no route' : n.via === 'direct' ? 'direct' : `via ${nameOf.get(n.via) || n.via}`;
    const m = n.metrics;
    rows.push([n.name || '-', n.address, state, ago(nowMs - n.lastSeenMs), `${n.linksUp}/${n.links}`, via, `v${n.configVersion}`, n.version,
      pct(m.cpuPct), share(m.memUsedMB, m.memTotalMB), share(m.diskUsedMB, m.diskTotalMB), n.tags.join(',') || '-']);
  }
  const online = nodes.filter((n) => n.online).length;
  return table(rows) + `${nodes.length} node(s), ${online} online, ${nodes.filter((n) => n.enrolment === 'pending').length} pending approval\n`;
};

export const formatExec = (results: NodeReply[], summary: Record<string, number>): string => {
  let out = '';
  for (const r of results) {
    const who = r.name || r.node;
    if (!r.reply.ok) {
      out += `== ${who}: ${'refused' in r.reply ? `refused (${r.reply.refused})` : `${r.reply.error.code}: ${r.reply.error.message}`}\n`;
      continue;
    }
    const x = r.reply.result as ExecResult;
    const status = x.error ?? (x.timedOut ? 'timed out' : x.signal ? `killed by ${x.signal}` : `exit ${x.exitCode}`);
    out += `== ${who}: ${status}${x.truncated ? ' (output truncated)' : ''}\n${x.stdout}`;
    if (x.stdout && !x.stdout.endsWith('\n')) out += '\n';
    if (x.stderr) out += x.stderr.split('\n').filter((l) => l !== '').map((l) => `stderr: ${l}\n`).join('');
  }
  return out + `-- ${summary.nodes} node(s): ${summary.succeeded} succeeded, ${summary.failed} failed, ${summary.unreachable} unreachable or refused\n`;
};
