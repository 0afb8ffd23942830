// The on-node TUI's panels as text: pure functions of a NodeView, so the plain (non-TTY)
// output, the screen and the benchmark all format the same way.
import type { NodeView } from './node-view.ts';
import { agoS, bytes, fit } from '../screen.ts';

export const headerLine = (v: NodeView): string => {
  const s = v.status;
  const name = s.name && s.name !== s.address ? `${s.name} ` : '';
  return `${name}${s.address}  up ${agoS(s.uptimeMs)}`;
};

export const linkLines = (v: NodeView): string[] => {
  const head = `${fit('peer', 18)}${fit('carrier', 8)}${fit('state', 11)}${'rtt'.padStart(6)}${'loss'.padStart(5)}${'in'.padStart(7)}${'out'.padStart(7)}${'pkts'.padStart(8)}`;
  const rows = v.status.links.map((l) => `${fit(l.peer.slice(0, 16), 18)}${fit(l.carrier, 8)}${fit(l.state, 11)}` +
    `${(l.rttMs === null ? '-' : `${l.rttMs}ms`).padStart(6)}${`${l.lossPct}%`.padStart(5)}${bytes(l.bytesIn).padStart(7)}${bytes(l.bytesOut).padStart(7)}` +
    `${String(l.packetsIn + l.packetsOut).padStart(8)}`);
  return [head, ...(rows.length ? rows : ['(no links: add peers with --peer ADDRESS@HOST:PORT or in config.json)'])];
};

export const dropsLine = (v: NodeView): string => {
  const d = Object.entries(v.status.drops).sort(([a], [b]) => (a < b ? -1 : 1));
  return d.length ? `drops ${d.reduce((n, [, c]) => n + c, 0)}: ${d.map(([k, c]) => `${k}=${c}`).join(' ')}` : 'drops: none';
};

// Fits the routes panel at 80 columns (47 inside): the destination's first 10 characters,
// narrow hop and repair counts, and the state it was in with how long ago.
export const routeLines = (v: NodeView, nowWall: number): string[] => {
  const head = `${fit('route to', 11)}${fit('state', 12)}${'hop'.padStart(3)}${'rep'.padStart(4)} was`;
  const rows = v.routes.map((r) => {
    const c = v.lastChange.get(r.dest);
    const change = c ? `${c.from} ${agoS(nowWall - c.at)}` : '';
    return `${fit(r.dest.slice(0, 10), 11)}${fit(r.state, 12)}${String(r.hops ?? '-').padStart(3)}${String(r.repairs).padStart(4)} ${change}`;
  });
  return [head, ...(rows.length ? rows : ['(no routes yet: one is set up on first use)'])];
};

export const masterLines = (v: NodeView): string[] => {
  const a = v.agent;
  if (!a.master) return ['master: none configured'];
  const r = a.registration;
  return [
    `master ${a.master.slice(0, 8)} ${r ? r.state : 'waiting'}`,
    r ? `reg ${r.registrations} hb ${r.heartbeats} cfg v${a.configVersion}` : `cfg v${a.configVersion}`,
    ...(r?.lastError ? [`error: ${r.lastError}`] : []),
  ];
};

export const radioLines = (v: NodeView): string[] => {
  const r = v.radio;
  if (!r) return ['radio: no radio'];
  // The mode decides what may be sent (amateur: readable and signed), so it leads.
  const lines = [`radio ${r.mode.toUpperCase()} ${r.bitrate} bit/s`, `  ${r.station ?? '-'} TNC ${r.serial}`];
  // The full error (device and fix) is in the log pane and `skywire status`; the panel is narrow.
  return [...lines, r.error ? '  no TNC yet: see the log' : `  air ${r.airtimePct ?? 0}% ctl ${r.controlPct ?? 0}% q ${r.queue}`];
};

// One line per app: name, version, lifecycle state (machines/app.ts), restarts, last update.
export const appLines = (v: NodeView): string[] => (v.apps.length === 0
  ? ['apps: none installed']
  : v.apps.map((a) => `${a.name} ${a.version ?? '?'} ${a.state}${a.restarts ? ` restarts ${a.restarts}` : ''}${a.lastUpdate === 'rolled-back' ? ' (update rolled back)' : ''}`));

/** The whole view as plain status lines: the non-TTY output and the benchmark's baseline. */
export const plainLines = (v: NodeView, nowWall: number): string[] => [
  `node ${headerLine(v)}`, ...linkLines(v), dropsLine(v), ...routeLines(v, nowWall), ...masterLines(v), ...radioLines(v), ...appLines(v),
];
