// The simulation watch's panels as text, from the player and its model: pure, so the screen,
// the non-TTY output and bench/tui.ts share them.
import type { SimPlayer } from './sim-player.ts';
import type { TraceEvent } from '../../src/env/trace.ts';
import { fit, wrapAll } from '../screen.ts';

const secs = (ms: number): string => `${(ms / 1000).toFixed(3)}s`;

export const simHeader = (p: SimPlayer): string => {
  const m = p.model;
  const state = p.source === 'starting' ? 'STARTING' : p.source === 'failed' ? 'FAILED' : p.atEnd() ? 'END' : p.paused ? 'PAUSED' : 'PLAY';
  return `${m.scenario || 'sim'} seed ${m.seed}  t=${secs(p.vt)}/${secs(p.duration)}  x${p.speed} ${state}  ev ${p.index}/${p.events.length}${p.done ? '' : '+'}`;
};

/** One row: '=' played, '-' to come, '!' a fault, '|' the cursor. */
export const timeline = (p: SimPlayer, width: number): string => {
  const w = Math.max(10, width);
  const at = (t: number): number => Math.min(w - 1, Math.floor((t / Math.max(1, p.duration)) * w));
  const row: string[] = Array.from({ length: w }, (_, i) => (i <= at(p.vt) ? '=' : '-'));
  for (const t of p.faultTimes) row[at(t)] = '!';
  row[at(p.vt)] = '|';
  return row.join('');
};

export const counterLines = (p: SimPlayer): string[] => {
  const m = p.model;
  const c = (k: string): number => m.counts.get(k) ?? 0;
  const rs = [...m.routeStates()].map(([s, n]) => `${s} ${n}`).join(', ') || 'none';
  return [
    `hash ${p.hash ? p.hash.slice(0, 16) : p.done ? '-' : '(running)'}`,
    `nodes ${m.nodes - m.nodesDown.size}/${m.nodes} up`,
    `links up ${m.linksUp.size} (ends)`,
    `link changes ${c('link.state')} hs ${c('link.session')}`,
    `routes: ${rs}`,
    `route setups ${c('route.established')}`,
    `faults ${m.faults.length}  drops ${c('net.drop')}`,
  ];
};

export const changeLines = (p: SimPlayer, rows: number): string[] => {
  if (p.source === 'starting') return ['starting the simulation (loading the scenario in a worker)...'];
  if (p.source === 'failed') return ['the simulation stopped:', p.failure, '', 'q quits'];
  const ch = p.model.changes.slice(-rows);
  return ch.length ? ch.map((c) => `${secs(c.t).padStart(9)} ${fit(`${c.node}>${c.dest}`, 12)} ${c.from} -> ${c.to}`) : ['(no route transitions yet)'];
};

/** A trace event as words: its kind, then its fields as key=value with node addresses shown
 *  by name (n3), e.g. "link.state n0 peer=n1 idle -> handshaking". */
export const eventText = (e: TraceEvent, name: (a: string) => string): string => {
  const rest = Object.entries(e).filter(([k]) => k !== 't' && k !== 'ev' && k !== 'node');
  const val = (v: unknown): string => (typeof v === 'string' ? (/^[a-z2-7]{20,}$/.test(v) ? name(v) : v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  const move = 'from' in e && 'to' in e && e.ev.endsWith('.state') ? [`${val(e.from)} -> ${val(e.to)}`] : [];
  const fields = rest.filter(([k]) => !(move.length && (k === 'from' || k === 'to'))).map(([k, v]) => `${k}=${val(v)}`);
  return [e.ev, e.node ?? '', ...fields, ...move].filter(Boolean).join(' ');
};

/** The fault markers and the current event, wrapped to `width` columns, the last `rows` of them
 *  (the current event always shown). */
export const faultLines = (p: SimPlayer, rows: number, width = 1000): string[] => {
  const last = p.model.last;
  const cur = wrapAll([last ? `@ ${secs(last.t).padStart(9)} ${eventText(last, (a) => p.model.name(a))}` : '@ (start)'], width, ' '.repeat(12));
  const f = wrapAll(p.model.faults.slice(-rows).map((x) => `! ${secs(x.t).padStart(9)} ${x.fault} ${x.detail}`), width, ' '.repeat(12));
  return [...f.slice(-Math.max(0, rows + 1 - cur.length)), ...cur];
};
