// The simulation watch screen: header, timeline with fault markers, counters, route
// transitions as they happen and the fault/current-event pane, redrawn every frame.
import { ticker } from '../../src/env/ticker.ts';
import { realClock } from '../../src/env/real-clock.ts';
import blessed from 'blessed';
import { clip, openScreen, textWidth, wrapAll } from '../screen.ts';
import type { SimPlayer } from './sim-player.ts';
import { changeLines, counterLines, faultLines, simHeader, timeline } from './sim-panels.ts';

const HELP = [
  'space  pause / play',
  'n      step one event (pauses)',
  'f      run to the next fault (pauses there)',
  '+ / -  faster / slower (virtual ms per wall ms)',
  'r      back to the start',
  'q      quit (a live run is stopped)',
];

export const FRAME_MS = 50;

export interface SimLayout { screen: blessed.Widgets.Screen; draw(): void }

/** Builds the widgets on a screen (also used by bench/tui.ts on an offscreen screen). */
export const simLayout = (screen: blessed.Widgets.Screen, p: SimPlayer): SimLayout => {
  const header = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, style: { bg: 'blue', fg: 'white' } });
  const tl = blessed.box({ parent: screen, top: 1, left: 0, width: '100%', height: 3, border: 'line', label: ' timeline (! fault, | now) ' });
  const counters = blessed.box({ parent: screen, top: 4, left: 0, width: '36%', height: '50%-3', border: 'line', label: ' counters ' });
  const changes = blessed.box({ parent: screen, top: 4, left: '36%', width: '64%', height: '50%-3', border: 'line', label: ' route transitions ' });
  const faults = blessed.box({ parent: screen, top: '50%+1', left: 0, width: '100%', height: '50%-2', border: 'line', label: ' faults and current event ' });
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1, content: ' space pause  n step  f next fault  +/- speed  r restart  ? help  q quit', style: { bg: 'blue', fg: 'white' } });
  void footer;
  const inner = (b: blessed.Widgets.BoxElement): number => Math.max(1, Number(b.height) - 2);
  return {
    screen,
    draw: () => {
      // Fits 80x24 without cutting a word: the header is shortened at a word, panels wrap at
      // spaces, and the current event is words (kind, node, key=value), not raw JSON.
      header.setContent(clip(` ${simHeader(p)}`, (Number(screen.width) || 80) - 1));
      tl.setContent(timeline(p, Number(screen.width) - 2));
      counters.setContent(wrapAll(counterLines(p), textWidth(counters)).join('\n'));
      changes.setContent(wrapAll(changeLines(p, inner(changes)), textWidth(changes)).slice(-inner(changes)).join('\n'));
      faults.setContent(faultLines(p, inner(faults) - 1, textWidth(faults)).join('\n'));
      screen.render();
    },
  };
};

export const openSimScreen = (p: SimPlayer): Promise<void> => {
  const { screen, closed } = openScreen('skywire sim', HELP);
  const ui = simLayout(screen, p);
  screen.key(['space'], () => { p.paused = !p.paused; ui.draw(); });
  screen.key(['n', 'right'], () => { p.step(); ui.draw(); });
  screen.key(['f'], () => { p.nextFault(); ui.draw(); });
  screen.key(['+', '='], () => { p.faster(); ui.draw(); });
  screen.key(['-'], () => { p.slower(); ui.draw(); });
  screen.key(['r'], () => { p.restart(); ui.draw(); });
  const clock = realClock();
  let last = clock.now();
  const timer = ticker(FRAME_MS, () => {
    const now = clock.now();
    p.advance(now - last);
    last = now;
    ui.draw();
  });
  ui.draw();
  return closed.then(() => timer.stop());
};
