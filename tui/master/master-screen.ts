// The master TUI: the fleet table (sort, filter, online/offline, last seen), the selected
// node's links and routes or the topology, and actions on the selected node.
import { ticker } from '../../src/env/ticker.ts';
import blessed from 'blessed';
import { clip, openScreen, setLabel, textWidth, wrapAll } from '../screen.ts';
import type { LogBuffer } from '../log-buffer.ts';
import type { RunningMaster } from '../../src/cli/run-master.ts';
import { nodesView } from '../../src/master/fleet-view.ts';
import { FLEET_HEADER, fleetRow, selectNodes, SHOW, SORTS, type FleetQuery } from './fleet-rows.ts';
import { nodeDetail, topologyLines } from './master-detail.ts';
import { pushConfig, restartNode, skywireBin } from './master-actions.ts';

const HELP = [
  '?  help            Up/Down j/k  select     Enter  node detail     g/G  first/last',
  's  cycle sort      o  all/online/offline       /  filter (C-u clears)',
  't  topology        l  log                      Tab  scroll the lower pane',
  'T  open a terminal on the node (skywire term; exit the shell to come back)',
  'c  push a config file to the node              r  restart the node',
  'q  quit (the master stops cleanly)',
];

export const openMasterScreen = (running: RunningMaster, home: string, log: LogBuffer, wallMs: () => number, refreshMs = 1000): Promise<void> => {
  const { screen, closed, close } = openScreen('skywire master', HELP);
  const m = running.master;
  const header = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, style: { bg: 'blue', fg: 'white' } });
  const table = blessed.list({
    // No `vi`: blessed's list would take l (as Enter), q, / (its own search) and Escape from the
    // screen's keys; j/k/g/G are bound below instead.
    parent: screen, top: 1, left: 0, width: '100%', height: '55%', border: 'line', keys: true, tags: false, padding: { top: 1 },
    style: { selected: { bg: 'cyan', fg: 'black' }, border: { fg: 'cyan' } },
  });
  // The column header is its own line above the rows, so it never scrolls away with them.
  void blessed.box({ parent: screen, top: 2, left: 1, width: '100%-2', height: 1, content: FLEET_HEADER, style: { bold: true } });
  const lower = blessed.box({ parent: screen, top: '55%+1', left: 0, width: '100%', height: '45%-2', border: 'line', scrollable: true, alwaysScroll: true, keys: true, vi: true, style: { border: { fg: 'cyan' } } });
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1, style: { bg: 'blue', fg: 'white' } });
  const q: FleetQuery = { sort: 'name', show: 'all', filter: '' };
  let mode: 'detail' | 'topology' | 'log' = 'detail';
  let shown: string[] = [];
  let busy = false;
  let picked = false;
  const note = (s: string): void => { log.add(s); footer.setContent(clip(` ${s}`, (Number(screen.width) || 80) - 1)); screen.render(); };
  // Restarted nodes the footer is waiting for: back once a heartbeat comes after the restart.
  const restarting = new Map<string, { at: number; name: string }>();
  const BACK_WITHIN_MS = 30_000;
  const checkRestarts = (now: number): void => {
    for (const [a, w] of restarting) {
      const r = m.registry.nodes[a];
      // The node stops 300 ms after its reply; a heartbeat later than that is from the new process.
      if (r && r.lastSeenMs > w.at + 1000) { restarting.delete(a); note(`${w.name}: back after the restart (${Math.max(1, Math.round((r.lastSeenMs - w.at) / 1000))}s)`); }
      else if (now - w.at > BACK_WITHIN_MS) { restarting.delete(a); note(`${w.name}: not back ${BACK_WITHIN_MS / 1000}s after the restart (is its supervisor running?)`); }
    }
  };
  const selected = (): string | undefined => shown[(table as unknown as { selected: number }).selected];
  const labels = new Map<object, string>();
  let drawing = false;
  const draw = (): void => {
    // select() inside draw emits list events; never re-enter.
    if (busy || drawing) return;
    drawing = true;
    try { drawNow(); } finally { drawing = false; }
  };
  const drawNow = (): void => {
    const all = nodesView(m);
    const rows = selectNodes(all, q);
    // Until the operator moves the selection it stays on the first row, so nodes registering
    // one after another do not scroll the top of the table away under a selection nobody made.
    const sel = picked ? selected() : undefined;
    shown = rows.map((n) => n.address);
    const online = all.filter((n) => n.online).length;
    // Fits 80 columns: the "? help" hint goes first, then the filter is shortened, never cut mid-word by the edge.
    const width = Number(screen.width) || 80;
    let head = ` master ${running.node.address.slice(0, 8)}  ${all.length} nodes, ${online} online  sort:${q.sort} show:${q.show}${q.filter ? ` filter:${q.filter}` : ''}`;
    if (head.length + 8 < width) head += '  ? help';
    header.setContent(clip(head, width - 1));
    setLabel(table, ` fleet (${rows.length}) `, labels);
    const now = wallMs();
    table.setItems([...rows.map((n) => fleetRow(n, now, (a) => m.registry.nodes[a]?.name || a.slice(0, 8)))] as unknown as blessed.Widgets.BlessedElement[]);
    const idx = sel ? shown.indexOf(sel) : -1;
    table.select(idx >= 0 ? idx : 0);
    const cur = selected();
    setLabel(lower, ` ${mode === 'topology' ? 'topology' : mode === 'log' ? 'log' : 'node detail'} `, labels);
    // Long lines (the relay's neighbours, log lines) wrap at spaces, continued under their text.
    const text = mode === 'topology' ? wrapAll(topologyLines(m), textWidth(lower), ' '.repeat(15))
      : mode === 'log' ? wrapAll(log.lines.slice(-100), textWidth(lower), ' '.repeat(9))
        : wrapAll(cur ? nodeDetail(m, cur, now) : ['(no node selected)'], textWidth(lower), '    ');
    lower.setContent(text.join('\n'));
    checkRestarts(now);
    screen.render();
  };
  const act = (f: (node: string) => Promise<string>): void => {
    const node = selected();
    if (!node) return note('select a node first');
    void f(node).then(note, (e: Error) => note(`failed: ${e.message}`));
  };
  const prompt = blessed.prompt({ parent: screen, top: 'center', left: 'center', width: '70%', height: 8, border: 'line', hidden: true, keys: true });
  // C-u clears the line, as in a shell (blessed's textbox has no such key).
  const promptInput = (prompt as unknown as { _: { input: blessed.Widgets.TextboxElement } })._.input;
  promptInput.key(['C-u'], () => { promptInput.setValue(''); screen.render(); });
  table.on('select', () => { picked = true; mode = 'detail'; draw(); });
  table.key(['k'], () => table.up(1));
  table.key(['j'], () => table.down(1));
  table.key(['g'], () => table.select(0));
  table.key(['S-g'], () => table.select(shown.length - 1));
  table.key(['up', 'down', 'k', 'j', 'g', 'S-g'], () => { picked = true; draw(); });
  screen.key(['s'], () => { q.sort = SORTS[(SORTS.indexOf(q.sort) + 1) % SORTS.length]!; draw(); });
  screen.key(['o'], () => { q.show = SHOW[(SHOW.indexOf(q.show) + 1) % SHOW.length]!; draw(); });
  screen.key(['t'], () => { mode = mode === 'topology' ? 'detail' : 'topology'; draw(); });
  screen.key(['l'], () => { mode = mode === 'log' ? 'detail' : 'log'; draw(); });
  screen.key(['tab'], () => { (screen.focused === lower ? table : lower).focus(); screen.render(); });
  screen.key(['/'], () => { busy = true; prompt.input('filter (name or address prefix, empty = all):', q.filter, (_e, v) => { busy = false; q.filter = v ?? ''; table.focus(); draw(); }); });
  screen.key(['c'], () => act((node) => new Promise((res) => { busy = true; prompt.input(`config.json file to push to ${node.slice(0, 12)}:`, '', (_e, f) => { busy = false; table.focus(); res(f ? pushConfig(home, node, f) : Promise.resolve('push cancelled')); }); })));
  screen.key(['r'], () => act((node) => new Promise((res) => { busy = true; prompt.input(`restart ${node.slice(0, 12)}? type yes:`, '', (_e, v) => { busy = false; table.focus(); res(v === 'yes' ? restartNode(home, node).then((r) => {
    if (r.ok) restarting.set(node, { at: wallMs(), name: m.registry.nodes[node]?.name || node.slice(0, 12) });
    return r.message;
  }) : Promise.resolve('restart cancelled')); }); })));
  // Leave the screen for the shell, then restore it: blessed's exec does both around spawn.
  screen.key(['S-t'], () => {
    const node = selected();
    if (!node) return note('select a node first');
    busy = true;
    screen.exec(process.execPath, [skywireBin(), 'term', node, '--home', home], {}, (err) => { busy = false; note(err ? `terminal: ${err.message}` : `terminal on ${node.slice(0, 12)} closed`); draw(); });
  });
  table.focus();
  footer.setContent(' Enter detail s sort o online / filter t topology T term c config r restart');
  // The web dashboard, when it runs: its URL with the login token, where the operator looks.
  if (running.dashboard) note(`web dashboard: ${running.dashboard.loginUrl}`);
  const timer = ticker(refreshMs, draw);
  // Text is wrapped to the boxes' widths, so a resize wraps it again at once.
  screen.on('resize', draw);
  draw();
  return closed.then(() => { timer.stop(); void close; });
};
