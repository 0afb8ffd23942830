// The on-node TUI: identity, links, routes with live transitions, master registration, radio,
// apps and a log pane, on one blessed screen that fits 80x24 and follows a resize.
import { ticker } from '../../src/env/ticker.ts';
import { realClock } from '../../src/env/real-clock.ts';
import type { TimerHandle } from '../../src/env/clock.ts';
import blessed from 'blessed';
import { clip, textWidth, openScreen, setLabel, wrapAll } from '../screen.ts';
import type { LogBuffer } from '../log-buffer.ts';
import type { RunningNode } from '../../src/cli/run-node.ts';
import { nodeView, type NodeView } from './node-view.ts';
import { appLines, dropsLine, headerLine, linkLines, masterLines, radioLines, routeLines } from './node-panels.ts';

const HELP = [
  '?        this help',
  'Tab      move focus: links, routes, log',
  'Up/Down  scroll the focused panel (also j/k, PgUp/PgDn)',
  'q        quit (the node stops cleanly)',
];

const panel = (parent: blessed.Widgets.Screen, label: string, pos: blessed.Widgets.Types.TPosition[]): blessed.Widgets.BoxElement => blessed.box({
  parent, label: ` ${label} `, top: pos[0], left: pos[1], width: pos[2], height: pos[3], border: 'line', tags: false,
  scrollable: true, alwaysScroll: true, keys: true, vi: true, wrap: false, style: { border: { fg: 'cyan' }, focus: { border: { fg: 'yellow' } } },
});

export const openNodeScreen = (running: RunningNode, log: LogBuffer, wallMs: () => number, refreshMs = 500): Promise<void> => {
  const { screen, closed, close } = openScreen('skywire node', HELP);
  const header = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, style: { bg: 'blue', fg: 'white' } });
  const links = panel(screen, 'links', [1, 0, '100%', '35%-1']);
  const routes = panel(screen, 'routes', ['35%', 0, '62%', '30%']);
  const side = panel(screen, 'master / radio / apps', ['35%', '62%', '38%', '30%']);
  const logBox = panel(screen, 'log', ['65%', 0, '100%', '35%']);
  const focusable = [links, routes, logBox];
  let focus = 0;
  links.focus();
  screen.key(['tab'], () => { focus = (focus + 1) % focusable.length; focusable[focus]!.focus(); screen.render(); });

  const lastChange: NodeView['lastChange'] = new Map();
  const subs = [
    // XState inspection events of every route actor, as one RxJS stream from the router.
    running.overlay.router.transitions$.subscribe((t) => {
      lastChange.set(t.dest, { from: t.from, to: t.to, at: wallMs() });
      log.add(`route ${t.dest.slice(0, 16)} ${t.from} -> ${t.to} (${t.event})`);
      soon();
    }),
    running.node.linkEvents$.subscribe(() => soon()),
    log.added$.subscribe(() => soon()),
  ];
  const labels = new Map<object, string>();
  const draw = (): void => {
    const v = nodeView(running, lastChange);
    // Nothing is cut by an edge at 80x24: one-line places are shortened at a word with '…',
    // panels wrap at spaces (log lines continue under the message, after the time).
    const width = Number(screen.width) || 80;
    header.setContent(clip(` skywire node ${headerLine(v)}   ? help  q quit`, width - 1));
    setLabel(links, ` ${clip(`links  ${dropsLine(v)}`, width - 6)} `, labels);
    links.setContent(wrapAll(linkLines(v), textWidth(links)).join('\n'));
    routes.setContent(wrapAll(routeLines(v, wallMs()), textWidth(routes)).join('\n'));
    side.setContent(wrapAll([...masterLines(v), ...radioLines(v), ...appLines(v)], textWidth(side)).join('\n'));
    const atEnd = logBox.getScrollPerc() >= 100 || logBox.getScrollHeight() <= Number(logBox.height);
    logBox.setContent(wrapAll(log.lines.slice(-200), textWidth(logBox), ' '.repeat(9)).join('\n'));
    if (atEnd) logBox.setScrollPerc(100);
    screen.render();
  };
  // Events redraw at once but at most every 50 ms, so a burst of transitions costs one frame.
  const clock = realClock();
  let pending: TimerHandle | undefined;
  const soon = (): void => { pending ??= clock.setTimeout(() => { pending = undefined; draw(); }, 50); };
  const timer = ticker(refreshMs, draw);
  // Text is wrapped to the boxes' widths, so a resize wraps it again at once.
  screen.on('resize', draw);
  draw();
  return closed.then(() => {
    timer.stop();
    if (pending !== undefined) clock.clearTimeout(pending);
    for (const s of subs) s.unsubscribe();
  });
};
